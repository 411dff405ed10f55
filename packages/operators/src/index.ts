export {
  CONNECTION_TYPES,
  OperatorError,
  SensorTimeout,
  RescheduleTry,
  SkipTask,
  sleep,
  type ConnectionType,
  type Operator,
  type OperatorContext,
  type OperatorLogLevel,
  type ResolvedConnection,
  type TriggerObject,
} from './operator.js';
export { operatorFor } from './registry.js';
export { CONNECTION_TESTERS, type ConnectionTestOutcome } from './connection-testers.js';
export { noopOperator } from './noop/noop.operator.js';
export { httpRequestOperator } from './http/http-request.operator.js';
export {
  snowflakeLoadOperator,
  snowflakeSqlOperator,
  connectSnowflake,
  SnowflakeOperatorError,
  type ConnectOptions,
  type ExecuteOptions,
  type LoadResult,
  type LoadedFile,
  type SnowflakeBind,
  type SnowflakeConnectionConfig,
  type SnowflakeRow,
  type SnowflakeSession,
  type SqlResult,
} from './snowflake/index.js';
export { qualityCheckOperator, type CheckResult, type QualityResult } from './quality/index.js';
export { notifyOperator, sendEmail, signBody, SIGNATURE_HEADER, type EmailMessage, type NotifyResult, type WebhookPayload } from './notify/index.js';
export { errorText } from './notify/channel-error.js';
export {
  s3KeySensorOperator,
  s3ExtractOperator,
  createS3Client,
  listMatchingKeys,
  fnmatchRegExp,
  literalPrefix,
  openRecords,
  S3UploadStream,
  type Cell,
  type ObjectRecords,
  type ReadOptions,
  type S3ConnectionConfig,
  type S3ObjectInfo,
  type UploadStreamOptions,
} from './s3/index.js';
export { createLogArchive, S3ObjectStore, type ObjectStoreConfig } from './s3/object-store.js';
export {
  transformRecordsOperator,
  defaultOutputKey,
  parseExpression,
  parseSteps,
  compileSteps,
  castValue,
  CAST_TYPES,
  type CastTypeName,
  type CompiledSteps,
  type ParsedStep,
} from './transform/index.js';

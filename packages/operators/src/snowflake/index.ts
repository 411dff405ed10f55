export { snowflakeLoadOperator, type LoadResult, type LoadedFile } from './load.operator.js';
export { snowflakeSqlOperator, type SqlResult } from './sql.operator.js';
export {
  connectSnowflake,
  testSnowflakeConnection,
  snowflakeConfig,
  type ConnectOptions,
  type ExecuteOptions,
  type SnowflakeConnectionConfig,
  type SnowflakeRow,
  type SnowflakeSession,
} from './client.js';
export { SnowflakeOperatorError, isRetryableSnowflakeError } from './errors.js';
export type { SnowflakeBind } from './binds.js';

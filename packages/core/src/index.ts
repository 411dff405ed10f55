// The public API of @tower/core: pure domain logic, no I/O. Import from '@tower/core' only.
export * from './errors.js';

export {
  ID_PATTERN,
  PARAM_NAME_PATTERN,
  PARAM_TYPES,
  TRIGGER_TYPES,
  TASK_DEFAULTS,
  DAG_DEFAULTS,
  paramSpecSchema,
  defaultArgsSchema,
  rawTaskSchema,
  rawDagSchema,
  triggerSchema,
  s3ObjectCreatedTriggerSchema,
  type ParamType,
  type ParamSpec,
  type DagTrigger,
  type DefaultArgs,
  type TriggerRuleName,
  type TaskSpec,
  type DagSpec,
} from './spec/schema.js';
export {
  TASK_TYPES,
  TASK_TYPE_DEFINITIONS,
  QUALITY_CHECK_TYPES,
  OPERATOR_WITH_SCHEMAS,
  OPERATOR_CONNECTION_TYPES,
  SENSOR_TASK_TYPES,
  isTaskType,
  type TaskType,
} from './spec/operator-schemas.js';
export { SENSOR_MODES, SENSOR_DEFAULTS, SENSOR_WITH_FIELDS, type SensorMode, type SensorSettings } from './spec/sensor-schema.js';
export { validateDagSpec, DEFAULT_LIMITS, type SpecValidationContext, type SpecValidationResult } from './spec/validate.js';
export { formatPath, type SpecError } from './spec/spec-error.js';
export { parseDagSpecText, canonicalSpecJson, specHash } from './spec/spec-text.js';
export { upstreamOf, downstreamOf, rootTaskIds, leafTaskIds, topologicalOrder, findCycles, findCycle, type GraphTask, type GraphSpec } from './spec/graph.js';
export { validateParams, paramSpecErrors } from './spec/params.js';

export {
  CRON_PRESETS,
  ONCE_SCHEDULE,
  isOnceSchedule,
  isValidTimezone,
  compileCron,
  parseSchedule,
  nextFireAfter,
  nextFireTimes,
  iterateFireTimes,
  prevFireAtOrBefore,
  prevFireBefore,
  isFireTime,
  type CompiledCron,
  type FoldPolicy,
} from './schedule/cron.js';
export {
  parseLocalDate,
  nextScheduledRun,
  catchupIntervals,
  manualRunInterval,
  intervalsBetween,
  type DataInterval,
  type ScheduledRunInfo,
  type ScheduleSpec,
} from './schedule/intervals.js';

export * from './state/states.js';
export * from './state/transition.js';
export * from './state/transition-table.js';
export * from './state/run-transition.js';
export * from './state/trigger-rules.js';
export * from './state/run-outcome.js';
export * from './state/fair-priority.js';

export * from './retry/retry-policy.js';

export {
  buildTemplateContext,
  renderTemplate,
  renderTemplates,
  xcomReferences,
  airflowTimestamp,
  templateReferences,
  TEMPLATE_NAMES,
  type TemplateContext,
  type TemplateContextInput,
  type XcomReference,
} from './templating/render.js';

export {
  CONNECTION_TYPES,
  CONNECTION_TYPE_DEFINITIONS,
  SECRET_FIELDS,
  PASSWORD_FIELDS,
  isConnectionType,
  parseConnectionIdentity,
  parseConnectionConfig,
  mergeConnectionSecrets,
  connectionCompletenessErrors,
  assertConnectionComplete,
  type ConnectionType,
  type ConnectionConfig,
  type ConnectionSecrets,
} from './connections/connection-schemas.js';

export * from './alerts/index.js';
export { DEFAULT_RETENTION_POLICY, MAX_RETENTION_DAYS, retentionCutoffs, retentionPolicyErrors, type RetentionPolicy } from './retention/retention-policy.js';

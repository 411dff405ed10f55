import { isTaskType, type TaskType } from '@tower/core';
import { httpRequestOperator } from './http/http-request.operator.js';
import { noopOperator } from './noop/noop.operator.js';
import { notifyOperator } from './notify/notify.operator.js';
import { OperatorError, type Operator } from './operator.js';
import { qualityCheckOperator } from './quality/quality-check.operator.js';
import { s3ExtractOperator } from './s3/extract.operator.js';
import { s3KeySensorOperator } from './s3/key-sensor.operator.js';
import { snowflakeLoadOperator } from './snowflake/load.operator.js';
import { snowflakeSqlOperator } from './snowflake/sql.operator.js';
import { transformRecordsOperator } from './transform/transform.operator.js';

/**
 * One operator per task type core declares: a type without its operator, an operator under
 * another type's key, or one for a type core does not know is a compile error — not a task that
 * validates at upsert and fails at run time.
 */
export const OPERATORS = {
  noop: noopOperator,
  'http.request': httpRequestOperator,
  's3.keySensor': s3KeySensorOperator,
  's3.extract': s3ExtractOperator,
  'transform.records': transformRecordsOperator,
  'snowflake.load': snowflakeLoadOperator,
  'snowflake.sql': snowflakeSqlOperator,
  'quality.check': qualityCheckOperator,
  notify: notifyOperator,
} as const satisfies { readonly [T in TaskType]: Operator<T> };

/**
 * The operator for a task type. A type this worker does not know (a spec stored by a newer
 * release during a rolling deploy) fails for good.
 */
export function operatorFor(type: string): Operator {
  if (!isTaskType(type)) throw new OperatorError(`operator ${type} is not available on this worker`, false);
  return OPERATORS[type];
}

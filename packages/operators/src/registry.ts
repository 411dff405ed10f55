import { httpRequestOperator } from './http-request.operator.js';
import { noopOperator } from './noop.operator.js';
import { OperatorError, type Operator } from './operator.js';
import { notifyOperators } from './notify/index.js';
import { qualityOperators } from './quality/index.js';
import { snowflakeOperators } from './snowflake/index.js';
import { s3Operators } from './s3/index.js';
import { transformOperators } from './transform/index.js';

const OPERATORS = new Map<string, Operator>([noopOperator, httpRequestOperator].map((op) => [op.type, op]));
for (const op of [...snowflakeOperators, ...qualityOperators, ...notifyOperators]) OPERATORS.set(op.type, op);
for (const op of [...s3Operators, ...transformOperators]) OPERATORS.set(op.type, op);

/** The operator for a task type; a type the spec accepts but this worker lacks fails for good. */
export function operatorFor(type: string): Operator {
  const op = OPERATORS.get(type);
  if (!op) throw new OperatorError(`operator ${type} is not available on this worker`, false);
  return op;
}

export function availableOperators(): string[] {
  return [...OPERATORS.keys()];
}

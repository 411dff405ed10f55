import { httpRequestOperator } from './http-request.operator.js';
import { noopOperator } from './noop.operator.js';
import { OperatorError, type Operator } from './operator.js';

const OPERATORS = new Map<string, Operator>([noopOperator, httpRequestOperator].map((op) => [op.type, op]));

/** The operator for a task type; a type the spec accepts but this worker lacks fails for good. */
export function operatorFor(type: string): Operator {
  const op = OPERATORS.get(type);
  if (!op) throw new OperatorError(`operator ${type} is not available on this worker`, false);
  return op;
}

export function availableOperators(): string[] {
  return [...OPERATORS.keys()];
}

export { OperatorError, sleep, type Operator, type OperatorContext, type OperatorLogLevel } from './operator.js';
export { operatorFor, availableOperators } from './registry.js';
export { noopOperator } from './noop.operator.js';
export { httpRequestOperator } from './http-request.operator.js';

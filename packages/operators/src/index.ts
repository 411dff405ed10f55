export {
  CONNECTION_TYPES,
  OperatorError,
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
export { operatorFor, availableOperators } from './registry.js';
export { noopOperator } from './noop.operator.js';
export { httpRequestOperator } from './http-request.operator.js';

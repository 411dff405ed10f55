export { transformRecordsOperator, defaultOutputKey } from './transform.operator.js';
export { parseExpression } from './parser.js';
export { compileSteps, parseSteps, type CompiledSteps, type ParsedStep } from './steps.js';
export { CAST_TYPES, castValue, type CastTypeName } from './cast.js';

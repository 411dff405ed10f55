export { qualityCheckOperator, type CheckResult, type QualityResult } from './quality-check.operator.js';
export { CHECK_TYPES, type CheckType, type QualityCheck, type Severity } from './checks.js';

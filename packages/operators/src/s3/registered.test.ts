import { describe, expect, it } from '@jest/globals';
import { operatorFor } from '../registry.js';
import { transformRecordsOperator } from '../transform/transform.operator.js';
import { s3ExtractOperator } from './extract.operator.js';
import { s3KeySensorOperator } from './key-sensor.operator.js';

describe('S3 and transform operators', () => {
  it('are registered under their task types', () => {
    expect(operatorFor('s3.keySensor')).toBe(s3KeySensorOperator);
    expect(operatorFor('s3.extract')).toBe(s3ExtractOperator);
    expect(operatorFor('transform.records')).toBe(transformRecordsOperator);
  });
});

import type { Operator } from '../operator.js';
import { s3ExtractOperator } from './extract.operator.js';
import { s3KeySensorOperator } from './key-sensor.operator.js';

export { createS3Client, testS3Connection, type S3ConnectionConfig } from './client.js';
export { listMatchingKeys, fnmatchRegExp, literalPrefix, type S3ObjectInfo } from './list.js';
export { S3UploadStream, type UploadStreamOptions } from './upload-stream.js';
export { openRecords, type Cell, type ObjectRecords, type ReadOptions } from './records.js';
export { s3KeySensorOperator, s3ExtractOperator };

export const s3Operators: Operator[] = [s3KeySensorOperator, s3ExtractOperator];

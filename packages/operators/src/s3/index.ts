export { createS3Client, testS3Connection, type S3ConnectionConfig } from './client.js';
export { listMatchingKeys, fnmatchRegExp, literalPrefix, type S3ObjectInfo } from './list.js';
export { S3UploadStream, type UploadStreamOptions } from './upload-stream.js';
export { openRecords, type Cell, type ObjectRecords, type ReadOptions } from './records.js';
export { s3KeySensorOperator } from './key-sensor.operator.js';
export { s3ExtractOperator } from './extract.operator.js';

import { OperatorError, type Operator } from '../operator.js';
import { FORMATS, s3Url } from './context.js';
import { resolveInput } from './input.js';
import { Params } from '../params.js';
import { openRecords } from './records.js';

/**
 * Reads the input objects (see resolveInput) as CSV or JSONL, streaming: checks each header has
 * `requiredColumns` and that all objects share the first one's columns, and counts data rows.
 * Returns { bucket, keys, format, delimiter, columns, rowCount, connection } and pushes `rowCount`.
 * A missing column or malformed data fails for good; a network error may be retried.
 */
export const s3ExtractOperator: Operator<'s3.extract'> = {
  type: 's3.extract',
  async execute(ctx) {
    const p = new Params(ctx);
    const required = p.stringList('requiredColumns');
    const delimiterParam = p.string('delimiter', undefined);
    const input = await resolveInput(ctx, { bucket: p.string('bucket', undefined), key: p.string('key', undefined) });
    try {
      const format = p.oneOf('format', FORMATS, input.format);
      const delimiter = delimiterParam ?? input.delimiter ?? ',';
      ctx.log('info', `extracting ${input.keys.length} ${format} object(s) from s3://${input.bucket} (${input.source})`);
      let columns: string[] | undefined;
      let rowCount = 0;
      for (const key of input.keys) {
        const records = await openRecords(input.s3.client, input.bucket, key, { format, delimiter, signal: ctx.signal, conn: input.s3.conn });
        const missing = required.filter((c) => !records.columns.includes(c));
        if (missing.length > 0) {
          await records.rows.return();
          throw new OperatorError(
            `task ${ctx.taskId}: ${s3Url(input.bucket, key)} lacks required column(s) ${missing.join(', ')} (columns: ${records.columns.join(', ')})`,
            false,
          );
        }
        if (columns && records.columns.join('\u0000') !== columns.join('\u0000')) {
          await records.rows.return();
          throw new OperatorError(
            `task ${ctx.taskId}: ${s3Url(input.bucket, key)} has columns ${records.columns.join(', ')} but ${s3Url(input.bucket, input.keys[0])} has ${columns.join(', ')}`,
            false,
          );
        }
        columns ??= records.columns;
        let rows = 0;
        for await (const _row of records.rows) rows++;
        ctx.log('info', `${s3Url(input.bucket, key)}: ${rows} row(s), columns ${records.columns.join(', ')}`);
        rowCount += rows;
      }
      ctx.xcomPush('rowCount', rowCount);
      return { bucket: input.bucket, keys: input.keys, format, delimiter, columns: columns ?? [], rowCount, connection: input.s3.connId };
    } finally {
      input.s3.client.destroy();
    }
  },
};

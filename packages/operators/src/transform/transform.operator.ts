import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { OperatorError, type Operator, type OperatorContext } from '../operator.js';
import { s3OperatorError } from '../s3/client.js';
import { FORMATS, s3Url, type DataFormat } from '../s3/context.js';
import { resolveInput, type InputObjects } from '../s3/input.js';
import { Params } from '../params.js';
import { openRecords, type Cell, type ObjectRecords } from '../s3/records.js';
import { S3UploadStream } from '../s3/upload-stream.js';
import { RowError, StepError } from './errors.js';
import { compileSteps, parseSteps, type CompiledSteps, type ParsedStep } from './steps.js';

/** Where a run's output goes by default: one object per task and run, so a retry overwrites it. */
export function defaultOutputKey(ctx: Pick<OperatorContext, 'dagId' | 'runId' | 'taskId'>): string {
  return `tower/${ctx.dagId}/${ctx.runId}/${ctx.taskId}/part-00000.csv`;
}

function location(ctx: OperatorContext, p: Params, name: 'input' | 'output'): { bucket?: string; key?: string } {
  const o = p.object(name) ?? {};
  for (const field of ['bucket', 'key'] as const) {
    const v = o[field];
    if (v !== undefined && (typeof v !== 'string' || v === ''))
      throw new OperatorError(`task ${ctx.taskId}: with.${name}.${field} must be a non-empty string`, false);
  }
  if (name === 'input' && o.bucket !== undefined && o.key === undefined) throw new OperatorError(`task ${ctx.taskId}: with.input needs a key`, false);
  return { bucket: o.bucket as string | undefined, key: o.key as string | undefined };
}

function parseStepsFor(ctx: OperatorContext, raw: unknown): ParsedStep[] {
  try {
    return parseSteps(raw);
  } catch (err) {
    if (err instanceof StepError) throw new OperatorError(`task ${ctx.taskId}: ${err.message}`, false);
    throw err;
  }
}

interface Counters {
  rowsIn: number;
  rowsOut: number;
}

/** Header, then every input object's transformed rows. */
async function* outputRows(
  ctx: OperatorContext,
  input: InputObjects,
  first: ObjectRecords,
  steps: CompiledSteps,
  open: (key: string) => Promise<ObjectRecords>,
  n: Counters,
): AsyncGenerator<Cell[]> {
  yield steps.columns;
  for (let k = 0; k < input.keys.length; k++) {
    const key = input.keys[k];
    const records = k === 0 ? first : await open(key);
    if (k > 0 && records.columns.join('\u0000') !== first.columns.join('\u0000')) {
      await records.rows.return();
      throw new OperatorError(
        `task ${ctx.taskId}: ${s3Url(input.bucket, key)} has columns ${records.columns.join(', ')} but ${s3Url(input.bucket, input.keys[0])} has ${first.columns.join(', ')}`,
        false,
      );
    }
    let row = 0;
    for await (const record of records.rows) {
      row++;
      n.rowsIn++;
      let out: Cell[] | null;
      try {
        out = steps.apply(record);
      } catch (err) {
        if (err instanceof RowError) throw new OperatorError(`task ${ctx.taskId}: ${s3Url(input.bucket, key)} row ${row}: ${err.message}`, false);
        throw err;
      }
      if (out) {
        n.rowsOut++;
        yield out;
      }
    }
  }
}

/**
 * Declarative record transform, streaming S3 → S3 (memory stays bounded whatever the size):
 * reads the input objects (see resolveInput; `input: { bucket?, key }` names one explicitly) as
 * CSV or JSONL (`format`, default the upstream's, else csv), applies `steps` to every record
 * (see compileSteps), and writes one CSV with a header — through a multipart upload — to
 * `output.key` in `output.bucket` (defaults: tower/<dagId>/<runId>/<taskId>/part-00000.csv in the
 * input bucket). Bad steps fail before any read; a value a step cannot handle fails the task
 * naming the object, row, step and column. Neither is retried.
 * Returns { bucket, key, keys: [key], format: 'csv', delimiter: ',', rowsIn, rowsOut, columns,
 * connection } — the shape s3.extract reads, so steps can be chained — and pushes `rowsOut`.
 */
export const transformRecordsOperator: Operator<'transform.records'> = {
  type: 'transform.records',
  async execute(ctx) {
    const p = new Params(ctx);
    const steps = parseStepsFor(ctx, p.raw('steps'));
    const inputAt = location(ctx, p, 'input');
    const outputAt = location(ctx, p, 'output');
    const delimiterParam = p.string('delimiter', undefined);
    const input = await resolveInput(ctx, inputAt);
    try {
      const format: DataFormat = p.oneOf('format', FORMATS, input.format ?? 'csv');
      const delimiter = delimiterParam ?? input.delimiter ?? ',';
      const bucket = outputAt.bucket ?? input.bucket;
      const key = outputAt.key ?? defaultOutputKey(ctx);
      if (bucket === input.bucket && input.keys.includes(key))
        throw new OperatorError(`task ${ctx.taskId}: the output ${s3Url(bucket, key)} is also an input`, false);
      const open = (k: string) => openRecords(input.s3.client, input.bucket, k, { format, delimiter, signal: ctx.signal, conn: input.s3.conn });
      ctx.log('info', `transforming ${input.keys.length} ${format} object(s) from s3://${input.bucket} (${input.source}) into ${s3Url(bucket, key)}`);

      const first = await open(input.keys[0]);
      let compiled: CompiledSteps;
      try {
        compiled = compileSteps(steps, first.columns);
      } catch (err) {
        await first.rows.return();
        if (err instanceof StepError) throw new OperatorError(`task ${ctx.taskId}: ${err.message}`, false);
        throw err;
      }
      const n: Counters = { rowsIn: 0, rowsOut: 0 };
      const upload = new S3UploadStream(input.s3.client, bucket, key, { signal: ctx.signal, contentType: 'text/csv' });
      const csv = stringify({ cast: { boolean: (v) => (v ? 'true' : 'false') } });
      const started = Date.now();
      try {
        await pipeline(Readable.from(outputRows(ctx, input, first, compiled, open, n)), csv, upload, { signal: ctx.signal });
      } catch (err) {
        // Read and step errors are OperatorErrors already; what is left is the upload's.
        throw s3OperatorError(err, `writing ${s3Url(bucket, key)}`, input.s3.conn, ctx.signal);
      }
      const mib = (upload.bytes / 1024 / 1024).toFixed(1);
      ctx.log(
        'info',
        `wrote ${n.rowsOut} of ${n.rowsIn} row(s), ${mib} MiB in ${upload.partCount || 1} part(s), to ${s3Url(bucket, key)} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
      );
      ctx.xcomPush('rowsOut', n.rowsOut);
      return {
        bucket,
        key,
        keys: [key],
        format: 'csv',
        delimiter: ',',
        rowsIn: n.rowsIn,
        rowsOut: n.rowsOut,
        columns: compiled.columns,
        connection: input.s3.connId,
      };
    } finally {
      input.s3.client.destroy();
    }
  },
};

import { describe, expect, it } from '@jest/globals';
import { isTaskType, TASK_TYPES } from './operator-schemas.js';
import { validateDagSpec, type SpecError } from './validate.js';

/** Validates one task of `type` with `withValue`; returns its normalised `with` or the errors. */
function check(type: string, withValue: unknown): { with?: Record<string, unknown>; errors: Array<[string, string]> } {
  const r = validateDagSpec({ dagId: 'd', tasks: [{ taskId: 't', type, with: withValue }] });
  if (r.valid) return { with: r.spec.tasks[0].with, errors: [] };
  return { errors: r.errors.map((e: SpecError) => [e.path.replace('tasks[0].with', 'with'), e.message]) };
}
const paths = (type: string, withValue: unknown) => check(type, withValue).errors.map(([p]) => p);

describe('operator types', () => {
  it('are the nine of the first release', () => {
    expect(TASK_TYPES).toEqual(['noop', 'http.request', 's3.keySensor', 's3.extract', 'transform.records', 'snowflake.load', 'snowflake.sql', 'quality.check', 'notify']);
    expect(isTaskType('noop')).toBe(true);
    expect(isTaskType('toString')).toBe(false);
    expect(isTaskType(5)).toBe(false);
  });
  it('reject a `with` that is not an object', () => {
    expect(check('noop', 'fast').errors).toEqual([['with', 'must be an object']]);
    expect(check('noop', [1]).errors).toEqual([['with', 'must be an object']]);
  });
});

describe('noop', () => {
  it('takes an optional non-negative integer durationMs and nothing else', () => {
    expect(check('noop', {}).with).toEqual({});
    expect(check('noop', { durationMs: 0 }).with).toEqual({ durationMs: 0 });
    expect(check('noop', { durationMs: -1 }).errors).toEqual([['with.durationMs', 'must be >= 0']]);
    expect(check('noop', { durationMs: 1.5 }).errors).toEqual([['with.durationMs', 'must be an integer, got number 1.5']]);
    expect(check('noop', { sleep: 1 }).errors).toEqual([['with.sleep', 'unknown key "sleep"']]);
  });
});

describe('http.request', () => {
  it('defaults the method to GET and upper-cases it', () => {
    expect(check('http.request', { url: 'https://api.example.com/x' }).with).toEqual({ url: 'https://api.example.com/x', method: 'GET' });
    expect(check('http.request', { url: 'http://x', method: 'post' }).with?.method).toBe('POST');
  });
  it('accepts every documented key', () => {
    const w = { url: 'https://x/{{ ds }}', method: 'PUT', headers: { 'X-A': 'b' }, body: { a: 1 }, expectedStatus: [200, 204], timeoutMs: 5000, xcomResponse: false, connection: 'api' };
    expect(check('http.request', w).with).toEqual(w);
    expect(check('http.request', { url: 'http://x', expectedStatus: 201 }).errors).toEqual([]);
  });
  it('accepts a templated URL and rejects a non-http or malformed one', () => {
    expect(check('http.request', { url: '{{ xcom.a.url }}' }).errors).toEqual([['with.url', expect.stringMatching(/no task "a"/)]]);
    expect(check('http.request', { url: 'ftp://x' }).errors).toEqual([['with.url', 'must be an http(s) URL (or a template)']]);
    expect(check('http.request', { url: 'not a url' }).errors).toEqual([['with.url', 'must be an http(s) URL (or a template)']]);
  });
  it('reports wrong types, a missing url and bad statuses with paths', () => {
    expect(check('http.request', { url: 5 }).errors).toEqual([['with.url', 'must be a string, got number 5']]);
    expect(check('http.request', {}).errors).toEqual([['with.url', 'is required']]);
    expect(paths('http.request', { url: 'http://x', method: 'FETCH', headers: { a: 1 }, expectedStatus: [200, 999], timeoutMs: 0, xcomResponse: 'yes' }).sort()).toEqual([
      'with.expectedStatus[1]',
      'with.headers.a',
      'with.method',
      'with.timeoutMs',
      'with.xcomResponse',
    ]);
    expect(check('http.request', { url: 'http://x', expectedStatus: 'ok' }).errors).toEqual([['with.expectedStatus', 'must be a number or an array']]);
  });
});

describe('s3.keySensor', () => {
  it('applies the sensor defaults', () => {
    expect(check('s3.keySensor', { bucket: 'b', key: 'k' }).with).toEqual({ bucket: 'b', key: 'k', wildcard: false, pokeIntervalSeconds: 30, timeoutSeconds: 604_800, mode: 'reschedule', softFail: false });
  });
  it('accepts a list of keys, every mode and exponentialBackoff', () => {
    for (const mode of ['reschedule', 'poke', 'deferred']) expect(check('s3.keySensor', { bucket: 'b', key: ['a', 'b'], mode, exponentialBackoff: true }).errors).toEqual([]);
  });
  it('requires bucket and key and checks types', () => {
    expect(check('s3.keySensor', {}).errors).toEqual([
      ['with.bucket', 'is required'],
      ['with.key', 'is required'],
    ]);
    expect(paths('s3.keySensor', { bucket: 'b', key: [], mode: 'sleep', pokeIntervalSeconds: 0, softFail: 1 }).sort()).toEqual(['with.key', 'with.mode', 'with.pokeIntervalSeconds', 'with.softFail']);
    expect(check('s3.keySensor', { bucket: 'b', key: ['a', 5] }).errors).toEqual([['with.key[1]', 'must be a string, got number 5']]);
  });
  it('keeps extra keys until the S3 work refines the schema', () => {
    expect(check('s3.keySensor', { bucket: 'b', key: 'k', region: 'eu-west-1' }).with?.region).toBe('eu-west-1');
  });
});

describe('s3.extract', () => {
  it('requires a csv or jsonl format', () => {
    expect(check('s3.extract', { format: 'csv', requiredColumns: ['id'] }).errors).toEqual([]);
    expect(check('s3.extract', { format: 'jsonl', bucket: 'b', key: 'k', outputPrefix: 'out/' }).errors).toEqual([]);
    expect(check('s3.extract', {}).errors).toEqual([['with.format', 'is required']]);
    expect(check('s3.extract', { format: 'xml' }).errors).toEqual([['with.format', 'must be one of "csv", "jsonl"']]);
    expect(check('s3.extract', { format: 'csv', requiredColumns: 'id' }).errors).toEqual([['with.requiredColumns', 'must be an array, got the string "id"']]);
  });
});

describe('transform.records', () => {
  it('takes steps, each with exactly one operation of the right shape', () => {
    const steps = [{ select: ['a', 'b'] }, { rename: { a: 'x' } }, { cast: { b: 'int' } }, { filter: 'b > 0' }, { filter: { b: { gt: 0 } } }, { derive: { c: 'a || b' } }];
    expect(check('transform.records', { steps }).with).toEqual({ steps });
  });
  it('reports the step and the operation at fault', () => {
    expect(check('transform.records', { steps: [{ select: ['a'], rename: {} }, {}, { cast: { a: 5 } }, { select: [] }] }).errors).toEqual([
      ['with.steps[0]', 'each step has exactly one of select, rename, cast, filter, derive (got select, rename)'],
      ['with.steps[1]', 'each step has exactly one of select, rename, cast, filter, derive (got none)'],
      ['with.steps[2].cast.a', 'must be a string, got number 5'],
      ['with.steps[3].select', 'must have at least 1 item'],
    ]);
    expect(check('transform.records', { steps: [] }).errors).toEqual([['with.steps', 'must have at least 1 item']]);
    expect(check('transform.records', {}).errors).toEqual([['with.steps', 'is required']]);
  });
});

describe('snowflake.load, snowflake.sql', () => {
  it('load needs a table; fileFormat, createTable and source are optional', () => {
    expect(check('snowflake.load', { table: 'RAW.SALES', fileFormat: { type: 'csv' }, createTable: true, source: 's3://b/k', connection: 'sf' }).errors).toEqual([]);
    expect(check('snowflake.load', { table: 'T', source: { bucket: 'b' }, createTable: { columns: [] } }).errors).toEqual([]);
    expect(check('snowflake.load', {}).errors).toEqual([['with.table', 'is required']]);
    expect(paths('snowflake.load', { table: '', fileFormat: 'csv' }).sort()).toEqual(['with.fileFormat', 'with.table']);
  });
  it('sql takes one statement or a list, with optional binds', () => {
    expect(check('snowflake.sql', { sql: 'select 1' }).errors).toEqual([]);
    expect(check('snowflake.sql', { sql: ['a', 'b'], binds: [1, 'x'] }).errors).toEqual([]);
    expect(check('snowflake.sql', { sql: 'select ?', binds: { a: 1 } }).errors).toEqual([]);
    expect(check('snowflake.sql', { sql: 5 }).errors).toEqual([['with.sql', 'must be a string or an array']]);
    expect(check('snowflake.sql', { sql: ['ok', ''] }).errors).toEqual([['with.sql[1]', 'must not be empty']]);
    expect(check('snowflake.sql', { sql: 'x', binds: 'y' }).errors).toEqual([['with.binds', 'must be an array or an object']]);
  });
});

describe('quality.check', () => {
  it('needs checks of known types, severity fail by default', () => {
    expect(check('quality.check', { table: 'T', checks: [{ type: 'unique', column: 'id' }, { type: 'customSql', sql: 'x', severity: 'warn' }] }).with).toEqual({
      table: 'T',
      checks: [
        { type: 'unique', column: 'id', severity: 'fail' },
        { type: 'customSql', sql: 'x', severity: 'warn' },
      ],
    });
    expect(check('quality.check', { checks: [] }).errors).toEqual([['with.checks', 'must have at least 1 item']]);
    expect(paths('quality.check', { checks: [{ type: 'vibes' }, { severity: 'loud' }] }).sort()).toEqual(['with.checks[0].type', 'with.checks[1].severity', 'with.checks[1].type']);
  });
});

describe('notify', () => {
  it('takes optional channels, message, subject and on', () => {
    expect(check('notify', {}).errors).toEqual([]);
    expect(check('notify', { channels: ['ops'], message: 'm', subject: 's', on: 'failure' }).errors).toEqual([]);
    expect(check('notify', { on: ['success', 'failure'] }).errors).toEqual([]);
    expect(paths('notify', { channels: 'ops', message: 5, on: 'sometimes' }).sort()).toEqual(['with.channels', 'with.message', 'with.on']);
  });
});

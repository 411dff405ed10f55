import { describe, expect, it } from '@jest/globals';
import { isTaskType, OPERATOR_CONNECTION_TYPES, TASK_TYPES } from './operator-schemas.js';
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
    expect(TASK_TYPES).toEqual([
      'noop',
      'http.request',
      's3.keySensor',
      's3.extract',
      'transform.records',
      'snowflake.load',
      'snowflake.sql',
      'quality.check',
      'notify',
    ]);
    expect(isTaskType('noop')).toBe(true);
    expect(isTaskType('toString')).toBe(false);
    expect(isTaskType(5)).toBe(false);
  });
  it('declare the connection type their connection must be of (notify takes smtp or http channels)', () => {
    expect(OPERATOR_CONNECTION_TYPES).toEqual({
      'http.request': 'http',
      's3.keySensor': 's3',
      's3.extract': 's3',
      'transform.records': 's3',
      'snowflake.load': 'snowflake',
      'snowflake.sql': 'snowflake',
      'quality.check': 'snowflake',
    });
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
    const w = {
      url: 'https://x/{{ ds }}',
      method: 'PUT',
      headers: { 'X-A': 'b' },
      body: { a: 1 },
      expectedStatus: [200, 204],
      timeoutMs: 5000,
      xcomResponse: false,
      connection: 'api',
    };
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
    expect(
      paths('http.request', { url: 'http://x', method: 'FETCH', headers: { a: 1 }, expectedStatus: [200, 999], timeoutMs: 0, xcomResponse: 'yes' }).sort(),
    ).toEqual(['with.expectedStatus[1]', 'with.headers.a', 'with.method', 'with.timeoutMs', 'with.xcomResponse']);
    expect(check('http.request', { url: 'http://x', expectedStatus: 'ok' }).errors).toEqual([['with.expectedStatus', 'must be a number or an array']]);
  });
});

describe('s3.keySensor', () => {
  it('applies the sensor defaults', () => {
    expect(check('s3.keySensor', { bucket: 'b', key: 'k' }).with).toEqual({
      bucket: 'b',
      key: 'k',
      wildcard: false,
      pokeIntervalSeconds: 30,
      timeoutSeconds: 604_800,
      mode: 'reschedule',
      softFail: false,
    });
  });
  it('accepts a list of keys, every mode and exponentialBackoff', () => {
    for (const mode of ['reschedule', 'poke', 'deferred'])
      expect(check('s3.keySensor', { bucket: 'b', key: ['a', 'b'], mode, exponentialBackoff: true }).errors).toEqual([]);
  });
  it('requires bucket and key and checks types', () => {
    expect(check('s3.keySensor', {}).errors).toEqual([
      ['with.bucket', 'is required'],
      ['with.key', 'is required'],
    ]);
    expect(paths('s3.keySensor', { bucket: 'b', key: [], mode: 'sleep', pokeIntervalSeconds: 0, softFail: 1 }).sort()).toEqual([
      'with.key',
      'with.mode',
      'with.pokeIntervalSeconds',
      'with.softFail',
    ]);
    expect(check('s3.keySensor', { bucket: 'b', key: ['a', 5] }).errors).toEqual([['with.key[1]', 'must be a string, got number 5']]);
  });
  it('rejects unknown keys', () => {
    expect(check('s3.keySensor', { bucket: 'b', key: 'k', region: 'eu-west-1' }).errors).toEqual([['with.region', 'unknown key "region"']]);
  });
});

describe('s3.extract', () => {
  it('requires a csv or jsonl format', () => {
    expect(check('s3.extract', { format: 'csv', requiredColumns: ['id'] }).errors).toEqual([]);
    expect(check('s3.extract', { format: 'jsonl', bucket: 'b', key: 'k', delimiter: ';', connection: 'c' }).errors).toEqual([]);
    expect(check('s3.extract', { format: 'csv', key: 'k' }).errors).toEqual([]);
    expect(check('s3.extract', {}).errors).toEqual([['with.format', 'is required']]);
    expect(check('s3.extract', { format: 'xml' }).errors).toEqual([['with.format', 'must be one of "csv", "jsonl"']]);
    expect(check('s3.extract', { format: 'csv', requiredColumns: 'id' }).errors).toEqual([['with.requiredColumns', 'must be an array, got the string "id"']]);
  });
  it('rejects unknown keys and a bucket without a key', () => {
    expect(check('s3.extract', { format: 'csv', outputPrefix: 'out/' }).errors).toEqual([['with.outputPrefix', 'unknown key "outputPrefix"']]);
    expect(check('s3.extract', { format: 'csv', bucket: 'b' }).errors).toEqual([['with.key', 'is required with bucket']]);
  });
});

describe('transform.records', () => {
  it('takes steps, each with exactly one operation of the right shape', () => {
    const steps = [
      { select: ['a', 'b'] },
      { rename: { a: 'x' } },
      { cast: { b: 'int', x: 'timestamp' } },
      { filter: 'b > 0' },
      { filter: { column: 'b', op: '>', value: 0 } },
      { filter: { and: [{ column: 'b', op: 'in', value: [1, 2] }, { not: { column: 'x', op: 'IS NULL' } }] } },
      { derive: { c: 'a || b', d: 1, e: true, f: null } },
    ];
    expect(check('transform.records', { steps }).with).toEqual({ steps });
  });
  it('takes an optional input, output, format and delimiter, and nothing else', () => {
    const w = { steps: [{ select: ['a'] }], input: { bucket: 'b', key: 'k' }, output: { key: 'o.csv' }, format: 'jsonl', delimiter: ';', connection: 'c' };
    expect(check('transform.records', w).errors).toEqual([]);
    expect(check('transform.records', { steps: [{ select: ['a'] }], input: { bucket: 'b' }, output: { path: 'x' }, format: 'xml', extra: 1 }).errors).toEqual([
      ['with.input.key', 'is required'],
      ['with.output.path', 'unknown key "path"'],
      ['with.format', 'must be one of "csv", "jsonl"'],
      ['with.extra', 'unknown key "extra"'],
    ]);
  });
  it('checks cast types, derive values and structured filters', () => {
    expect(check('transform.records', { steps: [{ cast: { a: 'money' } }] }).errors).toEqual([
      ['with.steps[0].cast.a', expect.stringMatching(/^must be one of "int", "integer", /)],
    ]);
    expect(check('transform.records', { steps: [{ derive: { a: ['x'] } }] }).errors).toEqual([
      ['with.steps[0].derive.a', 'must be a string or a number or a boolean or null'],
    ]);
    expect(paths('transform.records', { steps: [{ filter: { column: 'a', op: 'like', value: 'x' } }] })).toEqual(['with.steps[0].filter.op']);
    expect(paths('transform.records', { steps: [{ filter: { b: { gt: 0 } } }] })).toEqual([
      'with.steps[0].filter.column',
      'with.steps[0].filter.op',
      'with.steps[0].filter.b',
    ]);
  });
  it('reports the step and the operation at fault', () => {
    expect(check('transform.records', { steps: [{ select: ['a'], rename: {} }, {}, { cast: { a: 5 } }, { select: [] }] }).errors).toEqual([
      ['with.steps[0]', 'each step has exactly one of select, rename, cast, filter, derive (got select, rename)'],
      ['with.steps[1]', 'each step has exactly one of select, rename, cast, filter, derive (got none)'],
      ['with.steps[2].cast.a', 'must be one of "int", "integer", "number", "float", "decimal", "string", "boolean", "date", "timestamp"'],
      ['with.steps[3].select', 'must have at least 1 item'],
    ]);
    expect(check('transform.records', { steps: [] }).errors).toEqual([['with.steps', 'must have at least 1 item']]);
    expect(check('transform.records', {}).errors).toEqual([['with.steps', 'is required']]);
  });
});

describe('snowflake.load, snowflake.sql', () => {
  it('load needs a table; source, S3 connection, file format, createTable and onError are optional', () => {
    expect(
      check('snowflake.load', { table: 'RAW.SALES', fileFormat: { type: 'csv' }, createTable: true, source: 's3://b/k', connection: 'sf' }).errors,
    ).toEqual([]);
    expect(
      check('snowflake.load', {
        table: 'T',
        source: { bucket: 'b', prefix: 'in/', pattern: '.*csv' },
        s3Connection: 'lake',
        createTable: { columns: { ID: 'NUMBER' } },
      }).errors,
    ).toEqual([]);
    expect(
      check('snowflake.load', {
        table: 'T',
        source: 's3://b/{{ ds }}/sales.csv',
        fileFormat: { skipHeader: 1, nullIf: ['', 'NULL'], compression: 'gzip' },
        onError: 'skip_file_10%',
        matchByColumnName: 'case_insensitive',
      }).errors,
    ).toEqual([]);
    expect(check('snowflake.load', {}).errors).toEqual([['with.table', 'is required']]);
    expect(paths('snowflake.load', { table: '', fileFormat: 'csv' }).sort()).toEqual(['with.fileFormat', 'with.table']);
  });
  it('load rejects misspelt keys, bad sources and bad options', () => {
    expect(check('snowflake.load', { table: 'T', force: true }).errors).toEqual([['with.force', 'unknown key "force"']]);
    expect(check('snowflake.load', { table: 'T', fileFormat: { skip_header: 1 } }).errors).toEqual([
      ['with.fileFormat.skip_header', 'unknown key "skip_header"'],
    ]);
    expect(check('snowflake.load', { table: 'T', fileFormat: { type: 'xml' } }).errors).toEqual([
      ['with.fileFormat.type', 'must be one of "csv", "json", "parquet"'],
    ]);
    expect(check('snowflake.load', { table: 'T', source: 'http://x/y' }).errors).toEqual([['with.source', 'must be an s3://bucket/key URL (or a template)']]);
    expect(check('snowflake.load', { table: 'T', source: { bucket: 'b' } }).errors).toEqual([['with.source', 'needs exactly one of key and prefix']]);
    expect(check('snowflake.load', { table: 'T', createTable: { columns: [] } }).errors).toEqual([['with.createTable.columns', 'must have at least 1 item']]);
    expect(check('snowflake.load', { table: 'T', createTable: { columns: [{ name: 'ID', type: 'NUMBER' }] } }).errors).toEqual([]);
    expect(paths('snowflake.load', { table: 'T', onError: 'explode' })).toEqual(['with.onError']);
  });
  it('sql takes one statement or a list, with optional binds', () => {
    expect(check('snowflake.sql', { sql: 'select 1' }).errors).toEqual([]);
    expect(check('snowflake.sql', { sql: ['a', 'b'], binds: [1, 'x'] }).errors).toEqual([]);
    expect(check('snowflake.sql', { sql: 'select ?', binds: { a: 1 } }).errors).toEqual([]);
    expect(check('snowflake.sql', { sql: 5 }).errors).toEqual([['with.sql', 'must be a string or an array']]);
    expect(check('snowflake.sql', { sql: ['ok', ''] }).errors).toEqual([['with.sql[1]', 'must not be empty']]);
    expect(check('snowflake.sql', { sql: 'x', binds: 'y' }).errors).toEqual([['with.binds', 'must be an array or an object']]);
    expect(check('snowflake.sql', { sql: 'x', bind: [1] }).errors).toEqual([['with.bind', 'unknown key "bind"']]);
  });
});

describe('quality.check', () => {
  it('needs checks of known types, severity fail by default', () => {
    expect(
      check('quality.check', {
        table: 'T',
        checks: [
          { type: 'unique', column: 'id' },
          { type: 'customSql', sql: 'x', severity: 'warn' },
        ],
      }).with,
    ).toEqual({
      table: 'T',
      checks: [
        { type: 'unique', column: 'id', severity: 'fail' },
        { type: 'customSql', sql: 'x', severity: 'warn' },
      ],
    });
    expect(check('quality.check', { checks: [] }).errors).toEqual([['with.checks', 'must have at least 1 item']]);
    expect(paths('quality.check', { checks: [{ type: 'vibes' }, { severity: 'loud' }] }).sort()).toEqual([
      'with.checks[0].type',
      'with.checks[1].severity',
      'with.checks[1].type',
    ]);
  });
  it('checks the fields of each check type', () => {
    const ok = [
      { type: 'rowCount', min: 1, max: 10, name: 'some rows' },
      { type: 'notNull', columns: ['a', 'b'], table: 'OTHER' },
      { type: 'acceptedValues', column: 's', values: ['a', 1, true] },
      { type: 'customSql', sql: 'select 1 where false' },
    ];
    expect(check('quality.check', { table: 'T', checks: ok }).errors).toEqual([]);
    const bad = [
      { type: 'rowCount', min: 5, max: 2 },
      { type: 'notNull' },
      { type: 'unique', columns: [] },
      { type: 'acceptedValues', column: 's' },
      { type: 'customSql', query: 'x' },
    ];
    expect(check('quality.check', { table: 'T', checks: bad }).errors).toEqual([
      ['with.checks[0].max', 'must be >= min'],
      ['with.checks[1].column', 'is required (or columns)'],
      ['with.checks[2].columns', 'must have at least 1 item'],
      ['with.checks[3].values', 'is required'],
      ['with.checks[4].query', 'unknown key "query"'],
      ['with.checks[4].sql', 'is required'],
    ]);
  });
});

describe('notify', () => {
  it('takes optional channels, message, subject, on and status', () => {
    expect(check('notify', {}).errors).toEqual([]);
    expect(check('notify', { channels: ['ops'], message: 'm', subject: 's', on: 'failure' }).errors).toEqual([]);
    expect(check('notify', { on: ['success', 'failure'], status: 'failure' }).errors).toEqual([]);
    const templated = validateDagSpec({
      dagId: 'd',
      params: { status: { type: 'string', default: 'success' } },
      tasks: [{ taskId: 't', type: 'notify', with: { status: '{{ params.status }}' } }],
    });
    expect(templated.valid).toBe(true);
    expect(paths('notify', { channels: 'ops', message: 5, on: 'sometimes' }).sort()).toEqual(['with.channels', 'with.message', 'with.on']);
    expect(check('notify', { channels: [], status: 'ok', to: 'x' }).errors).toEqual([
      ['with.channels', 'must have at least 1 item'],
      ['with.status', 'must be "success" or "failure" (or a template)'],
      ['with.to', 'unknown key "to"'],
    ]);
  });
});

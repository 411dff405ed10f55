import { describe, expect, it } from '@jest/globals';
import { downstreamOf, leafTaskIds, rootTaskIds, topologicalOrder, upstreamOf } from './graph.js';
import { validateParams } from './params.js';
import { canonicalSpecJson, parseDagSpecText, specHash, validateDagSpec, type SpecError } from './validate.js';

const ok = { dagId: 'daily_sales_pipeline', tasks: [{ taskId: 'a', type: 'noop' }] };
const errorsOf = (input: unknown, ctx = {}) => {
  const r = validateDagSpec(input, ctx);
  return r.valid ? [] : r.errors;
};
const at = (errors: SpecError[], path: string) => errors.filter((e) => e.path === path).map((e) => e.message);

describe('validateDagSpec', () => {
  it('normalises a valid spec, resolving task args from defaultArgs then Tower defaults', () => {
    const r = validateDagSpec({
      dagId: 'daily_sales_pipeline',
      schedule: '0 3 * * *',
      timezone: 'America/New_York',
      defaultArgs: { retries: 2, retryDelaySeconds: 300, retryExponentialBackoff: true, pool: 'etl' },
      tasks: [
        { taskId: 'extract', type: 'http.request', with: { url: 'https://example.com/{{ ds }}' } },
        { taskId: 'load', type: 'noop', dependsOn: ['extract'], retries: 3, triggerRule: 'all_done' },
      ],
    });
    expect(r.valid).toBe(true);
    if (!r.valid) return;
    expect(r.spec.catchup).toBe(false);
    expect(r.spec.maxActiveRuns).toBe(16);
    expect(r.spec.tasks[0]).toMatchObject({ retries: 2, retryExponentialBackoff: true, pool: 'etl', triggerRule: 'all_success', priorityWeight: 1, maxRetryDelaySeconds: 86_400 });
    expect(r.spec.tasks[0].with).toEqual({ url: 'https://example.com/{{ ds }}', method: 'GET' });
    expect(r.spec.tasks[1]).toMatchObject({ retries: 3, triggerRule: 'all_done', dependsOn: ['extract'] });
  });

  it('reports every error at once, each with a path', () => {
    const errors = errorsOf({
      dagId: 'bad id!',
      schedule: '0 25 * * *',
      timezone: 'Nowhere/Land',
      startDate: 'not a date',
      maxActiveRuns: 0,
      bogus: true,
      tasks: [
        { taskId: 'a', type: 'noop', dependsOn: ['b'] },
        { taskId: 'b', type: 'noop', dependsOn: ['c'] },
        { taskId: 'c', type: 'noop', dependsOn: ['a'] },
        { taskId: 'a', type: 'noop' },
        { taskId: 'd', type: 'teleport', dependsOn: ['ghost'] },
        { taskId: 'e', type: 'http.request', with: { url: 5, method: 'FETCH' } },
        { taskId: 'f', type: 'noop', triggerRule: 'sometimes', retries: -1 },
        { taskId: 'g', type: 'noop', with: { durationMs: 'long' } },
        { taskId: 'h', type: 'noop', dependsOn: ['h'] },
      ],
    });
    expect(at(errors, 'dagId')[0]).toMatch(/must match/);
    expect(at(errors, 'schedule')[0]).toMatch(/invalid cron/);
    expect(at(errors, 'timezone')[0]).toMatch(/unknown time zone "Nowhere\/Land"/);
    expect(at(errors, 'startDate')[0]).toMatch(/not an ISO date-time/);
    expect(at(errors, 'maxActiveRuns')).toHaveLength(1);
    expect(at(errors, 'bogus')[0]).toMatch(/unknown key/);
    // named in run order (upstream -> downstream): a runs before c, c before b, b before a
    expect(errors.some((e) => ['cycle: a -> c -> b -> a', 'cycle: c -> b -> a -> c', 'cycle: b -> a -> c -> b'].includes(e.message))).toBe(true);
    expect(at(errors, 'tasks[3].taskId')[0]).toMatch(/duplicate taskId "a" \(first at tasks\[0\]\)/);
    expect(at(errors, 'tasks[4].type')[0]).toMatch(/unknown task type "teleport"/);
    expect(at(errors, 'tasks[4].dependsOn[0]')[0]).toMatch(/unknown task "ghost"/);
    expect(at(errors, 'tasks[5].with.url')).toHaveLength(1);
    expect(at(errors, 'tasks[5].with.method')).toHaveLength(1);
    expect(at(errors, 'tasks[6].triggerRule')[0]).toMatch(/one of/);
    expect(at(errors, 'tasks[6].retries')).toHaveLength(1);
    expect(at(errors, 'tasks[7].with.durationMs')).toHaveLength(1);
    expect(at(errors, 'tasks[8].dependsOn[0]')[0]).toBe('cycle: h -> h');
  });

  it('names the cycle', () => {
    const errors = errorsOf({ dagId: 'x', tasks: [{ taskId: 'a', type: 'noop', dependsOn: ['b'] }, { taskId: 'b', type: 'noop', dependsOn: ['a'] }] });
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/^cycle: (a -> b -> a|b -> a -> b)$/);
    expect(errors[0].path).toMatch(/^tasks\[\d\]\.dependsOn$/);
  });

  it('checks connection references against the tenant’s connections', () => {
    const spec = {
      dagId: 'x',
      triggers: [{ type: 's3.objectCreated', connection: 'other_s3', bucket: 'b', key: 'k' }],
      tasks: [
        { taskId: 'wait', type: 's3.keySensor', connection: 'sales_s3', with: { bucket: 'sales', key: 'incoming/*.csv', wildcard: true } },
        { taskId: 'load', type: 'snowflake.load', dependsOn: ['wait'], with: { connection: 'sales_snowflake', table: 'RAW.SALES' } },
      ],
    };
    expect(validateDagSpec(spec, { connections: new Set(['sales_s3', 'sales_snowflake', 'other_s3']) }).valid).toBe(true);
    const errors = errorsOf(spec, { connections: new Set(['sales_s3']) });
    expect(at(errors, 'tasks[1].with.connection')[0]).toBe('unknown connection "sales_snowflake"');
    expect(at(errors, 'triggers[0].connection')[0]).toBe('unknown connection "other_s3"');
    expect(validateDagSpec(spec).valid).toBe(true); // not checked without a connection set
  });

  it('validates `with` per operator type', () => {
    expect(at(errorsOf({ dagId: 'x', tasks: [{ taskId: 's', type: 's3.keySensor', with: { key: 'k' } }] }), 'tasks[0].with.bucket')).toHaveLength(1);
    expect(at(errorsOf({ dagId: 'x', tasks: [{ taskId: 's', type: 's3.keySensor', with: { bucket: 'b', key: 'k', mode: 'sleep' } }] }), 'tasks[0].with.mode')).toHaveLength(1);
    expect(at(errorsOf({ dagId: 'x', tasks: [{ taskId: 'q', type: 'quality.check', with: { checks: [] } }] }), 'tasks[0].with.checks')).toHaveLength(1);
    expect(at(errorsOf({ dagId: 'x', tasks: [{ taskId: 't', type: 'transform.records', with: { steps: [{ select: ['a'], rename: {} }] } }] }), 'tasks[0].with.steps[0]')).toHaveLength(1);
    expect(at(errorsOf({ dagId: 'x', tasks: [{ taskId: 'n', type: 'noop', with: { extra: 1 } }] }), 'tasks[0].with.extra')).toHaveLength(1);
  });

  it('enforces size limits', () => {
    const many = { dagId: 'x', tasks: Array.from({ length: 11 }, (_, i) => ({ taskId: `t${i}`, type: 'noop' })) };
    expect(errorsOf(many, { limits: { maxTasks: 10 } })[0]).toEqual({ path: 'tasks', message: 'a DAG may have at most 10 tasks (got 11)' });
    expect(errorsOf({ ...ok, description: 'x'.repeat(2000) }, { limits: { maxSpecBytes: 1000 } })[0].message).toMatch(/over the limit of 1000/);
  });

  it('rejects non-objects and empty task lists', () => {
    expect(errorsOf(null)[0].message).toMatch(/must be an object/);
    expect(errorsOf([])[0].message).toMatch(/must be an object/);
    expect(at(errorsOf({ dagId: 'x', tasks: [] }), 'tasks')[0]).toMatch(/at least one task/);
  });

  it('hashes specs canonically (key order does not matter)', () => {
    expect(canonicalSpecJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe('{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}');
    expect(specHash({ a: 1, b: 2 })).toBe(specHash({ b: 2, a: 1 }));
    expect(specHash({ a: 1 })).not.toBe(specHash({ a: 2 }));
  });

  it('parses JSON and YAML spec text', () => {
    expect(parseDagSpecText('{"dagId":"x","tasks":[]}')).toEqual({ dagId: 'x', tasks: [] });
    expect(parseDagSpecText('dagId: x\ntasks:\n  - taskId: a\n    type: noop\n')).toEqual({ dagId: 'x', tasks: [{ taskId: 'a', type: 'noop' }] });
    expect(() => parseDagSpecText('{"dagId": ')).toThrow(/neither valid JSON nor YAML/);
  });
});

describe('DAG graph helpers', () => {
  const g = { tasks: [{ taskId: 'a', dependsOn: [] }, { taskId: 'b', dependsOn: ['a'] }, { taskId: 'c', dependsOn: ['a'] }, { taskId: 'd', dependsOn: ['b', 'c'] }] };
  it('walks the graph', () => {
    expect(upstreamOf(g, 'd')).toEqual(['b', 'c']);
    expect(downstreamOf(g, 'a')).toEqual(['b', 'c']);
    expect(downstreamOf(g, 'a', true)).toEqual(['b', 'c', 'd']);
    expect(rootTaskIds(g)).toEqual(['a']);
    expect(leafTaskIds(g)).toEqual(['d']);
    expect(topologicalOrder(g)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('validateParams', () => {
  const specs = {
    region: { type: 'string' as const, default: 'us', enum: ['us', 'eu'] },
    limit: { type: 'integer' as const, minimum: 1, maximum: 100 },
    dryRun: { type: 'boolean' as const, required: true },
  };
  it('applies defaults and accepts valid values', () => {
    expect(validateParams(specs, { dryRun: true })).toEqual({ ok: true, params: { region: 'us', dryRun: true } });
    expect(validateParams(specs, { region: 'eu', limit: 5, dryRun: false })).toEqual({ ok: true, params: { region: 'eu', limit: 5, dryRun: false } });
  });
  it('rejects unknown names, wrong types, out-of-range values and missing required params', () => {
    const r = validateParams(specs, { region: 'mars', limit: 1.5, extra: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path).sort()).toEqual(['params.dryRun', 'params.extra', 'params.limit', 'params.region']);
    expect(validateParams(specs, { dryRun: true, limit: 500 }).ok).toBe(false);
    expect(validateParams(specs, 'nope').ok).toBe(false);
  });
});

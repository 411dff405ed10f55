import { describe, expect, it } from '@jest/globals';
import { validateDagSpec, type SpecError, type SpecValidationContext } from './validate.js';

const errorsOf = (input: unknown, ctx: SpecValidationContext = {}): SpecError[] => {
  const r = validateDagSpec(input, ctx);
  return r.valid ? [] : r.errors;
};
const at = (errors: SpecError[], path: string) => errors.filter((e) => e.path === path).map((e) => e.message);
const noop = (taskId: string, extra: Record<string, unknown> = {}) => ({ taskId, type: 'noop', ...extra });
const dag = (tasks: unknown[], extra: Record<string, unknown> = {}) => ({ dagId: 'd', tasks, ...extra });

const connections = new Set(['sales_s3', 'sales_snowflake', 'ops']);

describe('validateDagSpec: graph', () => {
  it('names a two-task cycle in run order, starting at the task that comes first in the spec', () => {
    // b depends on a (a runs first) and a depends on b
    expect(errorsOf(dag([noop('a', { dependsOn: ['b'] }), noop('b', { dependsOn: ['a'] })]))).toEqual([
      { path: 'tasks[0].dependsOn[0]', message: 'cycle: a -> b -> a' },
    ]);
  });
  it('reports each independent cycle', () => {
    const errors = errorsOf(
      dag([
        noop('a', { dependsOn: ['b'] }),
        noop('b', { dependsOn: ['a'] }),
        noop('c', { dependsOn: ['d'] }),
        noop('d', { dependsOn: ['c'] }),
        noop('e', { dependsOn: ['a'] }),
      ]),
    );
    expect(errors.map((e) => e.message)).toEqual(['cycle: a -> b -> a', 'cycle: c -> d -> c']);
  });
  it('points at the dependency that closes the cycle', () => {
    const errors = errorsOf(dag([noop('root'), noop('a', { dependsOn: ['root', 'c'] }), noop('b', { dependsOn: ['a'] }), noop('c', { dependsOn: ['b'] })]));
    expect(errors).toEqual([{ path: 'tasks[1].dependsOn[1]', message: 'cycle: a -> b -> c -> a' }]);
  });
  it('reports a dependency listed twice and an unknown one', () => {
    const errors = errorsOf(dag([noop('a'), noop('b', { dependsOn: ['a', 'a', 'zz'] })]));
    expect(errors).toEqual([
      { path: 'tasks[1].dependsOn[1]', message: '"a" is listed twice' },
      { path: 'tasks[1].dependsOn[2]', message: 'unknown task "zz"' },
    ]);
  });
  it('requires at least one task, each an object', () => {
    expect(errorsOf(dag([]))).toEqual([{ path: 'tasks', message: 'a DAG needs at least one task' }]);
    expect(errorsOf({ dagId: 'd' })).toEqual([{ path: 'tasks', message: 'is required' }]);
    expect(errorsOf(dag([null]))).toEqual([{ path: 'tasks[0]', message: 'a task must be an object' }]);
  });
});

describe('validateDagSpec: schedule, zone and dates', () => {
  it('rejects a bad cron, a preset it does not know and a Feb-31 schedule at `schedule`', () => {
    expect(at(errorsOf(dag([noop('a')], { schedule: '* * *' })), 'schedule')[0]).toMatch(/5 fields/);
    expect(at(errorsOf(dag([noop('a')], { schedule: '@sometimes' })), 'schedule')[0]).toMatch(/unknown schedule preset/);
    expect(at(errorsOf(dag([noop('a')], { schedule: '0 0 31 2 *' })), 'schedule')[0]).toMatch(/never fires/);
  });
  it('still checks the cron when the zone is unknown', () => {
    const errors = errorsOf(dag([noop('a')], { timezone: 'Atlantis/Capital', schedule: '99 * * * *' }));
    expect(errors.map((e) => e.path)).toEqual(['timezone', 'schedule']);
  });
  it('needs a startDate for @once and an endDate not before startDate', () => {
    expect(errorsOf(dag([noop('a')], { schedule: '@once' }))).toEqual([
      { path: 'startDate', message: 'a "@once" schedule needs a startDate: the run happens then' },
    ]);
    expect(at(errorsOf(dag([noop('a')], { startDate: '2026-02-01', endDate: '2026-01-01' })), 'endDate')[0]).toMatch(/before startDate/);
    expect(at(errorsOf(dag([noop('a')], { endDate: '2026-02-30' })), 'endDate')[0]).toMatch(/not an ISO date-time/);
  });
  it('rejects wrongly typed DAG fields with their paths', () => {
    const errors = errorsOf(dag([noop('a')], { catchup: 'yes', maxActiveTasks: 1.5, dagRunTimeoutSeconds: -1, tags: ['', 5], schedule: 5 }));
    expect(errors.map((e) => e.path).sort()).toEqual(['catchup', 'dagRunTimeoutSeconds', 'maxActiveTasks', 'schedule', 'tags[0]', 'tags[1]']);
    expect(at(errors, 'maxActiveTasks')).toEqual(['must be an integer, got number 1.5']);
  });
});

describe('validateDagSpec: connections', () => {
  const spec = dag([{ taskId: 's', type: 's3.keySensor', connection: 'nope_s3', with: { bucket: 'b', key: 'k', connection: 'other' } }], {
    triggers: [{ type: 's3.objectCreated', connection: 'ghost', bucket: 'b', key: 'k' }],
  });
  it('rejects connections the tenant does not have: task connection, with.connection and triggers', () => {
    expect(errorsOf(spec, { connections })).toEqual([
      { path: 'triggers[0].connection', message: 'unknown connection "ghost"' },
      { path: 'tasks[0].connection', message: 'unknown connection "nope_s3"' },
      { path: 'tasks[0].with.connection', message: 'unknown connection "other"' },
    ]);
  });
  it('does not check connections when the context has none (null or undefined)', () => {
    expect(errorsOf(spec)).toEqual([]);
    expect(errorsOf(spec, { connections: null })).toEqual([]);
  });
  it('checks against an empty set', () => {
    expect(errorsOf(spec, { connections: new Set() })).toHaveLength(3);
  });
  it('with types (a Map), checks that each reference is of the type its user needs', () => {
    const typed = new Map([
      ['lake', 's3'],
      ['wh', 'snowflake'],
      ['mail', 'smtp'],
      ['hook', 'http'],
    ]);
    const mixed = dag(
      [
        { taskId: 's', type: 's3.keySensor', connection: 'wh', with: { bucket: 'b', key: 'k' } },
        { taskId: 'l', type: 'snowflake.load', dependsOn: ['s'], with: { connection: 'wh', table: 'T', s3Connection: 'mail' } },
        { taskId: 'n', type: 'notify', dependsOn: ['l'], with: { channels: ['mail', 'hook', 'lake', 'missing'] } },
      ],
      { triggers: [{ type: 's3.objectCreated', connection: 'hook', bucket: 'b', key: 'k' }] },
    );
    expect(errorsOf(mixed, { connections: typed })).toEqual([
      { path: 'triggers[0].connection', message: 'connection "hook" is a http connection; this needs s3' },
      { path: 'tasks[0].connection', message: 'connection "wh" is a snowflake connection; this needs s3' },
      { path: 'tasks[1].with.s3Connection', message: 'connection "mail" is a smtp connection; this needs s3' },
      { path: 'tasks[2].with.channels[2]', message: 'connection "lake" is a s3 connection; this needs smtp or http' },
      { path: 'tasks[2].with.channels[3]', message: 'unknown connection "missing"' },
    ]);
  });
  it('leaves templated connection names to run time', () => {
    const templated = dag([{ taskId: 's', type: 's3.keySensor', with: { bucket: 'b', key: 'k', connection: '{{ params.conn }}' } }], {
      params: { conn: { type: 'string', default: 'lake' } },
    });
    expect(errorsOf(templated, { connections: new Set() })).toEqual([]);
  });
});

describe('validateDagSpec: params and templates', () => {
  it('checks param declarations: names, types, defaults, bounds and enums', () => {
    const errors = errorsOf(
      dag([noop('a')], {
        params: {
          'bad-name': { type: 'string' },
          region: { type: 'string', default: 5 },
          n: { type: 'integer', minimum: 5, maximum: 1 },
          s: { type: 'string', minimum: 1, enum: ['a', 2] },
          t: { type: 'date' },
          u: { type: 'number', extra: true },
        },
      }),
    );
    expect(errors.map((e) => `${e.path}: ${e.message}`).sort()).toEqual([
      'params.bad-name: param names must be identifiers ([A-Za-z_][A-Za-z0-9_]*)',
      'params.n.minimum: minimum 5 is greater than maximum 1',
      'params.region.default: param "region" must be a string',
      'params.s.enum[1]: enum values of param "s" must be a string',
      'params.s.minimum: minimum applies to number and integer params only',
      'params.t.type: must be one of "string", "number", "integer", "boolean", "object", "array"',
      'params.u.extra: unknown key "extra"',
    ]);
  });
  it('rejects templates with unknown names, undeclared params, XComs of unknown tasks and bad syntax', () => {
    const errors = errorsOf(
      dag(
        [
          noop('a'),
          {
            taskId: 'h',
            type: 'http.request',
            dependsOn: ['a'],
            with: { url: 'https://x/{{ nope }}', headers: { 'X-Run': '{{ params.zzz }}' }, body: ['{{ xcom.ghost.k }}', { q: '{{ ds' }] },
          },
        ],
        { params: { region: { type: 'string' } } },
      ),
    );
    expect(errors).toEqual([
      { path: 'tasks[1].with.url', message: expect.stringMatching(/unknown template name "nope"/) },
      { path: 'tasks[1].with.headers.X-Run', message: '{{ params.zzz }}: the DAG declares no param "zzz" (declared: region)' },
      { path: 'tasks[1].with.body[0]', message: '{{ xcom.ghost.k }}: no task "ghost" in this DAG to read an XCom from' },
      { path: 'tasks[1].with.body[1].q', message: expect.stringMatching(/never closed/) },
    ]);
  });
  it('accepts declared params, XComs of tasks in the DAG (dotted ids too) and literal braces', () => {
    const spec = dag(
      [
        noop('stage.one'),
        {
          taskId: 'h',
          type: 'http.request',
          dependsOn: ['stage.one'],
          with: { url: 'https://x/{{ params.region }}/{{ xcom.stage.one }}/{{ xcom.stage.one.rows }}', body: "{{ '{{' }}" },
        },
      ],
      { params: { region: { type: 'string', default: 'us' } } },
    );
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('validateDagSpec: input shape and limits', () => {
  it.each([null, [], 'spec', 5])('rejects %j as a spec', (input) => {
    expect(errorsOf(input)).toEqual([{ path: '', message: 'a DAG spec must be an object' }]);
  });
  it('rejects values that are not JSON, with their paths', () => {
    const errors = errorsOf(dag([{ taskId: 'h', type: 'http.request', with: { url: 'https://x', body: { when: new Date(0), n: Number.NaN, f: () => 1 } } }]));
    expect(errors.map((e) => e.path)).toEqual(['tasks[0].with.body.when', 'tasks[0].with.body.n', 'tasks[0].with.body.f']);
  });
  it('refuses __proto__ keys and deep nesting', () => {
    expect(errorsOf(JSON.parse('{"dagId":"d","tasks":[{"taskId":"a","type":"noop","with":{"__proto__":{"x":1}}}]}'))).toEqual([
      { path: 'tasks[0].with.__proto__', message: '"__proto__" is not allowed as a key' },
    ]);
    let deep: unknown = 1;
    for (let i = 0; i < 80; i++) deep = { d: deep };
    expect(errorsOf(dag([{ taskId: 'h', type: 'http.request', with: { url: 'https://x', body: deep } }]))[0].message).toMatch(/nested deeper than 64/);
  });
  it('rejects more tasks than the limit (default 5000)', () => {
    const many = Array.from({ length: 5001 }, (_, i) => noop(`t${i}`));
    expect(errorsOf(dag(many))).toEqual([{ path: 'tasks', message: 'a DAG may have at most 5000 tasks (got 5001)' }]);
    expect(errorsOf(dag(many.slice(0, 5000)))).toEqual([]);
    expect(errorsOf(dag(many.slice(0, 3)), { limits: { maxTasks: 2 } })).toEqual([{ path: 'tasks', message: 'a DAG may have at most 2 tasks (got 3)' }]);
  });
  it('rejects a spec over the byte limit (default 2 MiB, UTF-8 of its JSON)', () => {
    const big = dag([{ taskId: 'h', type: 'http.request', with: { url: 'https://x', body: 'é'.repeat(1100 * 1024) } }]);
    const [error] = errorsOf(big);
    expect(error.path).toBe('');
    expect(error.message).toMatch(/^the spec is \d+ bytes, over the limit of 2097152$/);
    expect(errorsOf(dag([noop('a')]), { limits: { maxSpecBytes: 10 } })[0].message).toMatch(/over the limit of 10$/);
  });
  it('validates a 500-task chain quickly', () => {
    const chain = Array.from({ length: 500 }, (_, i) => noop(`t${i}`, i ? { dependsOn: [`t${i - 1}`] } : {}));
    const started = Date.now();
    expect(validateDagSpec(dag(chain)).valid).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

import { describe, expect, it } from '@jest/globals';
import { parseDagSpecText } from './spec-text.js';
import { validateDagSpec, type SpecError, type SpecValidationContext } from './validate.js';

const errorsOf = (input: unknown, ctx: SpecValidationContext = {}): SpecError[] => {
  const r = validateDagSpec(input, ctx);
  return r.valid ? [] : r.errors;
};
const at = (errors: SpecError[], path: string) => errors.filter((e) => e.path === path).map((e) => e.message);
const noop = (taskId: string, extra: Record<string, unknown> = {}) => ({ taskId, type: 'noop', ...extra });
const dag = (tasks: unknown[], extra: Record<string, unknown> = {}) => ({ dagId: 'd', tasks, ...extra });

const REFERENCE_YAML = `
dagId: daily_sales_pipeline
description: Load daily sales into Snowflake
schedule: "0 3 * * *"
timezone: America/New_York
startDate: "2026-01-01T00:00:00"
endDate: null
catchup: false
maxActiveRuns: 1
maxActiveTasks: 16
tags: [sales]
params: { region: { type: string, default: "us" } }
defaultArgs: { retries: 2, retryDelaySeconds: 300, retryExponentialBackoff: true,
               maxRetryDelaySeconds: 3600, executionTimeoutSeconds: 3600, pool: default, priorityWeight: 1 }
tasks:
  - taskId: wait_for_sales_file
    type: s3.keySensor
    connection: sales_s3
    with: { bucket: sales, key: "incoming/sales_data_*.csv", wildcard: true,
            pokeIntervalSeconds: 30, timeoutSeconds: 21600, mode: reschedule, softFail: false }
  - taskId: extract
    type: s3.extract
    dependsOn: [wait_for_sales_file]
    with: { format: csv, requiredColumns: [order_id, amount, sold_at], key: "{{ xcom.wait_for_sales_file }}" }
  - taskId: transform
    type: transform.records
    dependsOn: [extract]
    with:
      steps:
        - select: [order_id, amount, sold_at]
        - rename: { sold_at: sold_on }
        - cast: { amount: decimal }
        - filter: "amount > 0"
        - derive: { region: "{{ params.region }}" }
  - taskId: load
    type: snowflake.load
    dependsOn: [transform]
    triggerRule: all_success
    retries: 3
    with: { connection: sales_snowflake, table: RAW.SALES, fileFormat: { type: csv, skipHeader: 1 } }
  - taskId: quality_checks
    type: quality.check
    dependsOn: [load]
    with: { connection: sales_snowflake, table: RAW.SALES, checks: [{ type: rowCount, min: 1 }, { type: notNull, column: order_id, severity: warn }] }
  - taskId: notify
    type: notify
    dependsOn: [quality_checks]
    triggerRule: all_done
    with: { channels: [ops], message: "{{ dag_id }} {{ ds }} finished" }
`;
const connections = new Set(['sales_s3', 'sales_snowflake', 'ops']);

describe('validateDagSpec: normalisation', () => {
  it('accepts the reference pipeline and resolves every task arg (task → defaultArgs → Tower default)', () => {
    const r = validateDagSpec(parseDagSpecText(REFERENCE_YAML), { connections });
    if (!r.valid) throw new Error(JSON.stringify(r.errors));
    expect(r.errors).toEqual([]);
    const { spec } = r;
    expect(spec).toMatchObject({
      dagId: 'daily_sales_pipeline',
      schedule: '0 3 * * *',
      timezone: 'America/New_York',
      startDate: '2026-01-01T00:00:00',
      endDate: null,
      maxActiveRuns: 1,
      tags: ['sales'],
    });
    expect(spec.tasks.map((t) => t.taskId)).toEqual(['wait_for_sales_file', 'extract', 'transform', 'load', 'quality_checks', 'notify']);
    expect(spec.tasks[0]).toEqual({
      taskId: 'wait_for_sales_file',
      type: 's3.keySensor',
      dependsOn: [],
      triggerRule: 'all_success',
      retries: 2,
      retryDelaySeconds: 300,
      retryExponentialBackoff: true,
      maxRetryDelaySeconds: 3600,
      executionTimeoutSeconds: 3600,
      pool: 'default',
      priorityWeight: 1,
      connection: 'sales_s3',
      with: {
        bucket: 'sales',
        key: 'incoming/sales_data_*.csv',
        wildcard: true,
        pokeIntervalSeconds: 30,
        timeoutSeconds: 21600,
        mode: 'reschedule',
        softFail: false,
      },
    });
    expect(spec.tasks[3]).toMatchObject({ taskId: 'load', retries: 3, triggerRule: 'all_success', dependsOn: ['transform'] });
    expect(spec.tasks[5].triggerRule).toBe('all_done');
    expect(spec.tasks[4].with.checks).toEqual([
      { type: 'rowCount', min: 1, severity: 'fail' },
      { type: 'notNull', column: 'order_id', severity: 'warn' },
    ]);
  });

  it('applies DAG and task defaults to a minimal spec', () => {
    const r = validateDagSpec(dag([noop('a')]));
    if (!r.valid) throw new Error(JSON.stringify(r.errors));
    expect(r.spec).toEqual({
      dagId: 'd',
      schedule: null,
      timezone: 'UTC',
      startDate: null,
      endDate: null,
      catchup: false,
      maxActiveRuns: 16,
      maxActiveTasks: 16,
      dagRunTimeoutSeconds: null,
      tags: [],
      params: {},
      defaultArgs: {},
      triggers: [],
      tasks: [
        {
          taskId: 'a',
          type: 'noop',
          dependsOn: [],
          triggerRule: 'all_success',
          retries: 0,
          retryDelaySeconds: 300,
          retryExponentialBackoff: false,
          maxRetryDelaySeconds: 86_400,
          executionTimeoutSeconds: null,
          pool: 'default',
          priorityWeight: 1,
          with: {},
        },
      ],
    });
  });

  it('lets a task set null to mean "no execution timeout" over a defaultArgs timeout', () => {
    const r = validateDagSpec(
      dag([noop('a', { executionTimeoutSeconds: null }), noop('b')], { defaultArgs: { executionTimeoutSeconds: 60, triggerRule: 'all_done' } }),
    );
    expect(r.valid && r.spec.tasks.map((t) => [t.executionTimeoutSeconds, t.triggerRule])).toEqual([
      [null, 'all_done'],
      [60, 'all_done'],
    ]);
  });

  it('accepts ids with dots, dashes and underscores up to 200 characters, an @once schedule and an s3 trigger', () => {
    const id = `a.b-c_${'x'.repeat(194)}`;
    const r = validateDagSpec(
      {
        dagId: id,
        schedule: '@once',
        startDate: '2026-01-01',
        triggers: [{ type: 's3.objectCreated', connection: 'sales_s3', bucket: 'b', key: 'k/*' }],
        tasks: [noop(id)],
      },
      { connections },
    );
    expect(r.valid).toBe(true);
  });

  it('does not share objects with the input', () => {
    const input = dag([{ taskId: 'h', type: 'http.request', with: { url: 'https://x', body: { a: [1] } } }]);
    const r = validateDagSpec(input);
    if (!r.valid) throw new Error('invalid');
    (r.spec.tasks[0].with.body as { a: number[] }).a.push(2);
    expect(input.tasks[0]).toEqual({ taskId: 'h', type: 'http.request', with: { url: 'https://x', body: { a: [1] } } });
  });
});

describe('validateDagSpec: every error at once, with paths', () => {
  it('reports all problems of a badly broken spec in one pass, grouped DAG first then per task', () => {
    const errors = errorsOf({
      dagId: 'bad id!',
      schedule: '0 25 * * *',
      timezone: 'Nowhere/Land',
      startDate: 'not a date',
      maxActiveRuns: 0,
      bogus: true,
      tasks: [
        noop('a', { dependsOn: ['b'] }),
        noop('b', { dependsOn: ['c'] }),
        noop('c', { dependsOn: ['a'] }),
        noop('a'),
        { taskId: 'd', type: 'teleport', dependsOn: ['ghost'] },
        { taskId: 'e', type: 'http.request', with: { url: 5, method: 'FETCH' } },
        noop('f', { triggerRule: 'sometimes', retries: -1 }),
        noop('g', { with: { durationMs: 'long' } }),
        noop('h', { dependsOn: ['h'] }),
        { taskId: 'bad id', type: 'noop', wat: 1 },
      ],
    });
    expect(at(errors, 'dagId')).toEqual(['dagId must match [a-zA-Z0-9_.-]{1,200}']);
    expect(at(errors, 'schedule')[0]).toMatch(/^invalid cron "0 25 \* \* \*"/);
    expect(at(errors, 'timezone')).toEqual(['unknown time zone "Nowhere/Land" (use an IANA name such as America/New_York)']);
    expect(at(errors, 'startDate')[0]).toMatch(/is not an ISO date-time/);
    expect(at(errors, 'maxActiveRuns')).toEqual(['must be >= 1']);
    expect(at(errors, 'bogus')).toEqual(['unknown key "bogus"']);
    expect(at(errors, 'tasks[0].dependsOn[0]')).toEqual(['cycle: a -> c -> b -> a']);
    expect(at(errors, 'tasks[3].taskId')).toEqual(['duplicate taskId "a" (first at tasks[0])']);
    expect(at(errors, 'tasks[4].type')[0]).toMatch(/^unknown task type "teleport" \(known: noop, http.request, /);
    expect(at(errors, 'tasks[4].dependsOn[0]')).toEqual(['unknown task "ghost"']);
    expect(at(errors, 'tasks[5].with.url')).toEqual(['must be a string, got number 5']);
    expect(at(errors, 'tasks[5].with.method')[0]).toMatch(/^must be one of "GET", "POST"/);
    expect(at(errors, 'tasks[6].triggerRule')[0]).toMatch(/^must be one of all_success, /);
    expect(at(errors, 'tasks[6].retries')).toEqual(['must be >= 0']);
    expect(at(errors, 'tasks[7].with.durationMs')).toEqual(['must be a number, got the string "long"']);
    expect(at(errors, 'tasks[8].dependsOn[0]')).toEqual(['cycle: h -> h']);
    expect(at(errors, 'tasks[9].taskId')).toEqual(['taskId must match [a-zA-Z0-9_.-]{1,200}']);
    expect(at(errors, 'tasks[9].wat')).toEqual(['unknown key "wat"']);
    expect(errors).toHaveLength(18);
    const taskIndexes = errors.map((e) => Number(/^tasks\[(\d+)\]/.exec(e.path)?.[1] ?? -1));
    expect(taskIndexes).toEqual([...taskIndexes].sort((x, y) => x - y));
  });

  it('checks type and `with` even when other fields of the task are wrong', () => {
    const errors = errorsOf(dag([{ taskId: 'x y', type: 'http.request', retries: 'many', with: { method: 'GET' } }]));
    expect(errors.map((e) => e.path).sort()).toEqual(['tasks[0].retries', 'tasks[0].taskId', 'tasks[0].with.url']);
    expect(at(errors, 'tasks[0].with.url')).toEqual(['is required']);
  });
});

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

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

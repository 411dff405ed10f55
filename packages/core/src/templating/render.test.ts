import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
import { airflowTimestamp, buildTemplateContext, renderTemplate, renderTemplates, xcomReferences, type TemplateContextInput } from './render.js';

const input: TemplateContextInput = {
  dagId: 'daily_sales_pipeline',
  taskId: 'load',
  runId: 'scheduled__2026-03-08T08:00:00.000Z',
  logicalDate: new Date('2026-03-08T08:00:00Z'),
  dataIntervalStart: new Date('2026-03-08T08:00:00Z'),
  dataIntervalEnd: new Date('2026-03-09T07:00:00Z'),
  params: { region: 'eu', limit: 10, opts: { a: 1 }, flag: false, nothing: null },
  xcom: {
    wait_for_sales_file: { return_value: ['incoming/a.csv'], keys: 'x' },
    extract: { rows: 42, return_value: { rows: 42 } },
    'stage.one': { return_value: 'dotted' },
    stage: { 'one.two': 'keyed' },
  },
};
const ctx = buildTemplateContext(input);

describe('renderTemplate with Airflow names', () => {
  it('renders the run context, dates in UTC like Airflow', () => {
    expect(renderTemplate('{{ ds }} {{ds_nodash}} {{ ts }} {{ ts_nodash }} {{ ts_nodash_with_tz }}', ctx)).toBe(
      '2026-03-08 20260308 2026-03-08T08:00:00+00:00 20260308T080000 20260308T080000+0000',
    );
    expect(renderTemplate('{{ logical_date }}|{{ data_interval_start }}|{{ data_interval_end }}', ctx)).toBe(
      '2026-03-08T08:00:00+00:00|2026-03-08T08:00:00+00:00|2026-03-09T07:00:00+00:00',
    );
    expect(renderTemplate('{{ run_id }} {{ dag_id }}.{{ task_id }}', ctx)).toBe('scheduled__2026-03-08T08:00:00.000Z daily_sales_pipeline.load');
  });

  it('uses the UTC date for ds even when the logical date is late in the day', () => {
    const late = buildTemplateContext({ ...input, logicalDate: new Date('2026-03-08T23:30:00Z') });
    expect(renderTemplate('{{ ds }}/{{ ts_nodash }}', late)).toBe('2026-03-08/20260308T233000');
  });

  it('writes fractional seconds as Python isoformat does (microseconds, only when non-zero)', () => {
    expect(airflowTimestamp(new Date('2026-03-08T08:00:00.123Z'))).toBe('2026-03-08T08:00:00.123000+00:00');
    expect(airflowTimestamp(new Date('2026-03-08T08:00:00.007Z'))).toBe('2026-03-08T08:00:00.007000+00:00');
    expect(airflowTimestamp(new Date('2026-03-08T08:00:00Z'))).toBe('2026-03-08T08:00:00+00:00');
    const manual = buildTemplateContext({ ...input, logicalDate: new Date('2026-03-08T08:00:00.500Z') });
    expect(renderTemplate('{{ ts }} {{ ts_nodash }}', manual)).toBe('2026-03-08T08:00:00.500000+00:00 20260308T080000');
  });

  it('accepts any whitespace inside the braces', () => {
    expect(renderTemplate('{{ds}}|{{   ds   }}|{{\tds\n}}', ctx)).toBe('2026-03-08|2026-03-08|2026-03-08');
  });

  it('renders params (JSON for non-strings)', () => {
    expect(renderTemplate('s3://b/{{ params.region }}/{{ params.limit }}', ctx)).toBe('s3://b/eu/10');
    expect(renderTemplate('{{ params.opts }} {{ params.flag }} {{ params.nothing }}', ctx)).toBe('{"a":1} false null');
  });

  it('renders XComs: TASK for return_value, TASK.KEY for a key, dotted task ids resolved longest first', () => {
    expect(renderTemplate('{{ xcom.extract.rows }}', ctx)).toBe('42');
    expect(renderTemplate('{{ xcom.extract }}', ctx)).toBe('{"rows":42}');
    expect(renderTemplate('{{ xcom.wait_for_sales_file }}', ctx)).toBe('["incoming/a.csv"]');
    expect(renderTemplate('{{ xcom.stage.one }}', ctx)).toBe('dotted');
    expect(renderTemplate('{{ xcom.stage.one.two }}', ctx)).toBe('keyed');
  });

  it('emits literal text for a quoted string, the way to write braces', () => {
    expect(renderTemplate("{{ '{{' }} ds {{ '}}' }}", ctx)).toBe('{{ ds }}');
    expect(renderTemplate('{{ "a }} b" }}', ctx)).toBe('a }} b');
  });

  it('leaves text without templates, lone closing braces and Jinja statements alone', () => {
    expect(renderTemplate('plain', ctx)).toBe('plain');
    expect(renderTemplate('{"a":{"b":1}}', ctx)).toBe('{"a":{"b":1}}');
    expect(renderTemplate('a }} b {% x %}', ctx)).toBe('a }} b {% x %}');
    expect(renderTemplate('', ctx)).toBe('');
  });

  it.each([
    ['{{ nope }}', /unknown template name "nope"/],
    ['{{ params.missing }}', /unknown param "missing"/],
    ['{{ params }}', /unknown template name "params"|use \{\{ params.NAME \}\}/],
    ['{{ params.a.b }}', /use \{\{ params.NAME \}\}/],
    ['{{ xcom }}', /unknown template name "xcom"|use \{\{ xcom.TASK_ID \}\}/],
    ['{{ xcom.extract.nothing }}', /no XCom "nothing" from task "extract"/],
    ['{{ xcom.never_ran }}', /no XCom "return_value" from task "never_ran"/],
    ['{{ ds | upper }}', /not a template name \(filters and expressions are not supported\)/],
    ['{{ ds.year }}', /unknown template name "ds.year"/],
    ['{{ }}', /empty/],
    ['s3://b/{{ ds', /never closed/],
    ['{{ DS }}', /unknown template name "DS"/],
  ])('rejects %s instead of rendering ""', (template, message) => {
    let error: unknown;
    try {
      renderTemplate(template, ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TowerError);
    expect((error as TowerError).code).toBe('BAD_USER_INPUT');
    expect((error as TowerError).message).toMatch(message);
    expect((error as TowerError).message).toContain(`template "${template}"`);
  });

  it('puts the unknown name in the error details', () => {
    try {
      renderTemplate('x {{ nope }}', ctx);
    } catch (e) {
      expect((e as TowerError).details).toEqual({ template: 'x {{ nope }}', name: 'nope' });
    }
  });

  it('does not read inherited properties as params or XComs', () => {
    expect(() => renderTemplate('{{ params.toString }}', ctx)).toThrow(/unknown param/);
    expect(() => renderTemplate('{{ xcom.constructor }}', ctx)).toThrow(/no XCom/);
  });
});

describe('renderTemplates', () => {
  it('renders every string in nested objects and arrays and leaves other types and keys alone', () => {
    const value = { a: ['{{ ds }}', 1, true, null], b: { '{{ ds }}': '{{ params.region }}' }, c: 2.5 };
    expect(renderTemplates(value, ctx)).toEqual({ a: ['2026-03-08', 1, true, null], b: { '{{ ds }}': 'eu' }, c: 2.5 });
    expect(value.a[0]).toBe('{{ ds }}');
  });
  it('renders a bare string and passes non-plain objects through', () => {
    expect(renderTemplates('{{ ds_nodash }}', ctx)).toBe('20260308');
    const date = new Date(0);
    expect(renderTemplates({ date }, ctx).date).toBe(date);
  });
  it('fails on the first bad template anywhere in the value', () => {
    expect(() => renderTemplates({ ok: '{{ ds }}', deep: [{ bad: '{{ nope }}' }] }, ctx)).toThrow(/unknown template name "nope"/);
  });
});

describe('buildTemplateContext', () => {
  it('rejects invalid dates as an internal error', () => {
    expect(() => buildTemplateContext({ ...input, dataIntervalEnd: new Date('x') })).toThrow(TowerError);
  });
});

describe('xcomReferences', () => {
  const ids = ['extract', 'stage', 'stage.one', 'wait_for_sales_file'];
  it('lists the XComs a value reads, resolved against the DAG task ids, with their paths', () => {
    expect(xcomReferences({ url: 'http://x/{{ xcom.extract.rows }}/{{ ds }}', body: ['{{ xcom.stage.one }}', { q: '{{ xcom.stage.two }}' }] }, ids)).toEqual([
      { name: 'xcom.extract.rows', taskId: 'extract', key: 'rows', path: 'url' },
      { name: 'xcom.stage.one', taskId: 'stage.one', key: 'return_value', path: 'body[0]' },
      { name: 'xcom.stage.two', taskId: 'stage', key: 'two', path: 'body[1].q' },
    ]);
  });
  it('marks a reference to no known task with taskId null', () => {
    expect(xcomReferences('{{ xcom.ghost.k }}', ids)).toEqual([{ name: 'xcom.ghost.k', taskId: null, key: 'k', path: '' }]);
  });
});

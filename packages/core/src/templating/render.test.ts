import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
import { buildTemplateContext, renderTemplate, renderTemplates, templateReferences } from './render.js';

const ctx = buildTemplateContext({
  dagId: 'daily_sales_pipeline',
  taskId: 'load',
  runId: 'scheduled__2026-03-08T08:00:00.000Z',
  logicalDate: new Date('2026-03-08T08:00:00Z'),
  dataIntervalStart: new Date('2026-03-08T08:00:00Z'),
  dataIntervalEnd: new Date('2026-03-09T07:00:00Z'),
  params: { region: 'eu', limit: 10, opts: { a: 1 } },
  xcom: { wait_for_sales_file: { return_value: ['incoming/a.csv'], keys: 'x' }, extract: { rows: 42 } },
});

describe('templating with Airflow names', () => {
  it('renders the run context', () => {
    expect(renderTemplate('{{ ds }} {{ds_nodash}} {{ ts }} {{ ts_nodash }}', ctx)).toBe('2026-03-08 20260308 2026-03-08T08:00:00+00:00 20260308T080000');
    expect(renderTemplate('{{ logical_date }}|{{ data_interval_start }}|{{ data_interval_end }}', ctx)).toBe(
      '2026-03-08T08:00:00+00:00|2026-03-08T08:00:00+00:00|2026-03-09T07:00:00+00:00',
    );
    expect(renderTemplate('{{ run_id }} {{ dag_id }}.{{ task_id }}', ctx)).toBe('scheduled__2026-03-08T08:00:00.000Z daily_sales_pipeline.load');
  });

  it('renders params and XCom values (JSON for non-strings)', () => {
    expect(renderTemplate('s3://b/{{ params.region }}/{{ params.limit }}', ctx)).toBe('s3://b/eu/10');
    expect(renderTemplate('{{ params.opts }}', ctx)).toBe('{"a":1}');
    expect(renderTemplate('{{ xcom.extract.rows }}', ctx)).toBe('42');
    expect(renderTemplate('{{ xcom.wait_for_sales_file }}', ctx)).toBe('["incoming/a.csv"]');
  });

  it('renders every string in nested values and leaves other types alone', () => {
    expect(renderTemplates({ a: ['{{ ds }}', 1, true, null], b: { c: '{{ params.region }}' } }, ctx)).toEqual({ a: ['2026-03-08', 1, true, null], b: { c: 'eu' } });
  });

  it.each([
    ['{{ nope }}', /unknown template name "nope"/],
    ['{{ params.missing }}', /unknown param "missing"/],
    ['{{ xcom.extract.nothing }}', /no XCom "nothing" from task "extract"/],
    ['{{ xcom.never_ran }}', /no XCom "return_value" from task "never_ran"/],
    ['{{ ds | upper }}', /not a template name/],
    ['{{ ds.year }}', /unknown template name/],
  ])('rejects %s instead of rendering ""', (template, message) => {
    expect(() => renderTemplate(template, ctx)).toThrow(message);
    expect(() => renderTemplate(template, ctx)).toThrow(TowerError);
  });

  it('lists the names a template references', () => {
    expect(templateReferences('{{ ds }}-{{xcom.extract.rows}}/{{ params.region }}')).toEqual(['ds', 'xcom.extract.rows', 'params.region']);
  });
});

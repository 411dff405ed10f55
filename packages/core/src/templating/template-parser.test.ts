import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
import { classifyName, parseTemplate, templateReferences, VALUE_NAMES, xcomReadings } from './template-parser.js';

describe('parseTemplate', () => {
  it('splits text and names, keeping the raw placeholder', () => {
    expect(parseTemplate('a{{ ds }}b{{xcom.t.k}}')).toEqual([
      { kind: 'text', text: 'a' },
      { kind: 'name', name: 'ds', raw: '{{ ds }}' },
      { kind: 'text', text: 'b' },
      { kind: 'name', name: 'xcom.t.k', raw: '{{xcom.t.k}}' },
    ]);
  });
  it('folds quoted literals into the surrounding text', () => {
    expect(parseTemplate(`x{{ '{{' }}y{{ "}}" }}`)).toEqual([{ kind: 'text', text: 'x{{y}}' }]);
  });
  it('accepts task ids with dashes and dots after xcom.', () => {
    expect(templateReferences('{{ xcom.load-1.rows }} {{ xcom.a.b.c }} {{ xcom.1st }}')).toEqual(['xcom.load-1.rows', 'xcom.a.b.c', 'xcom.1st']);
  });
  it.each([
    ['{{ ds', /never closed/],
    ['{{ }}', /empty/],
    ['{{ 1 + 1 }}', /not a template name/],
    ['{{ ds|upper }}', /not a template name/],
    ['{{ "unterminated }}', /never closed/],
    ["{{ 'a' 'b' }}", /not a template name/],
    ['{{ params[0] }}', /not a template name/],
  ])('rejects %j', (template, message) => {
    expect(() => parseTemplate(template)).toThrow(message);
    expect(() => parseTemplate(template)).toThrow(TowerError);
  });
});

describe('classifyName', () => {
  it('knows the Airflow value names', () => {
    for (const name of VALUE_NAMES) expect(classifyName(name, 't')).toEqual({ kind: 'value', name });
    expect(VALUE_NAMES).toEqual(
      expect.arrayContaining(['ds', 'ds_nodash', 'ts', 'ts_nodash', 'logical_date', 'data_interval_start', 'data_interval_end', 'run_id', 'dag_id', 'task_id']),
    );
  });
  it('classifies params and xcom names', () => {
    expect(classifyName('params.region', 't')).toEqual({ kind: 'param', param: 'region' });
    expect(classifyName('xcom.a.b', 't')).toEqual({ kind: 'xcom', segments: ['a', 'b'] });
  });
  it('rejects unknown names and malformed params/xcom names', () => {
    for (const name of ['nope', 'ds.x', 'params', 'params.a.b', 'params.1x', 'xcom', 'dag']) expect(() => classifyName(name, 't')).toThrow(TowerError);
  });
});

describe('xcomReadings', () => {
  it('reads the longest task id first', () => {
    expect(xcomReadings(['a', 'b', 'c'])).toEqual([
      { taskId: 'a.b.c', key: 'return_value' },
      { taskId: 'a.b', key: 'c' },
      { taskId: 'a', key: 'b.c' },
    ]);
  });
});

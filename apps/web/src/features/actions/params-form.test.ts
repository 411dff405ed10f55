import { describe, expect, it } from '@jest/globals';
import { initialValues, paramFields, parseParams } from './params-form';

const spec = {
  params: {
    region: { type: 'string', default: 'us', enum: ['us', 'eu'] },
    limit: { type: 'integer', minimum: 1, maximum: 100 },
    ratio: { type: 'number', default: 0.5 },
    dryRun: { type: 'boolean', default: false },
    options: { type: 'object', default: { a: 1 } },
    ids: { type: 'array', required: true },
    note: { type: 'string' },
  },
};

describe('the params form generated from a DAG spec', () => {
  const fields = paramFields(spec);

  it('makes one control per declared param, chosen by type', () => {
    expect(fields.map((f) => [f.name, f.control])).toEqual([
      ['region', 'select'],
      ['limit', 'number'],
      ['ratio', 'number'],
      ['dryRun', 'checkbox'],
      ['options', 'json'],
      ['ids', 'json'],
      ['note', 'text'],
    ]);
  });

  it('starts from the defaults and sends them back typed', () => {
    const values = { ...initialValues(fields), ids: '[1, 2]' };
    expect(parseParams(fields, values)).toEqual({ ok: true, params: { region: 'us', ratio: 0.5, dryRun: false, options: { a: 1 }, ids: [1, 2] } });
  });

  it('says which field is wrong: required, whole number, bounds, enum, JSON shape', () => {
    const values = { ...initialValues(fields), limit: '2.5', region: '"ap"', options: '[1]' };
    expect(parseParams(fields, values)).toEqual({
      ok: false,
      errors: { ids: 'Required.', limit: 'Enter a whole number.', region: 'Must be one of "us", "eu".', options: 'Enter a JSON object, e.g. {"a": 1}.' },
    });
    expect(parseParams(fields, { ...values, limit: '0', region: '"eu"', options: '{}', ids: '[]' })).toEqual({
      ok: false,
      errors: { limit: 'Must be at least 1.' },
    });
  });

  it('has no fields for a DAG without params', () => {
    expect(paramFields({ dagId: 'x' })).toEqual([]);
    expect(paramFields(null)).toEqual([]);
  });
});

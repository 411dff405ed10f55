import { describe, expect, it } from '@jest/globals';
import { paramSpecErrors, validateParams } from './params.js';
import type { ParamSpec } from './schema.js';

const specs: Record<string, ParamSpec> = {
  region: { type: 'string', default: 'us', enum: ['us', 'eu'] },
  limit: { type: 'integer', minimum: 1, maximum: 100 },
  ratio: { type: 'number', default: 0.5 },
  dryRun: { type: 'boolean', default: false },
  options: { type: 'object', default: { a: 1 } },
  ids: { type: 'array', required: true },
};

describe('validateParams', () => {
  it('applies defaults and keeps given values', () => {
    expect(validateParams(specs, { ids: [1], limit: 10 })).toEqual({
      ok: true,
      params: { region: 'us', limit: 10, ratio: 0.5, dryRun: false, options: { a: 1 }, ids: [1] },
    });
  });
  it('treats null, undefined and {} as "no params given"', () => {
    const optional = { region: specs.region };
    for (const given of [null, undefined, {}]) expect(validateParams(optional, given)).toEqual({ ok: true, params: { region: 'us' } });
    expect(validateParams(optional, { region: undefined })).toEqual({ ok: true, params: { region: 'us' } });
  });
  it('omits a param with neither value nor default', () => {
    expect(validateParams({ n: { type: 'number' } }, {})).toEqual({ ok: true, params: {} });
  });
  it('reports every problem with a path', () => {
    const r = validateParams(specs, { region: 'mars', limit: 0, ratio: 'half', dryRun: 'no', options: [], extra: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      { path: 'params.extra', message: 'unknown param "extra" (declared: region, limit, ratio, dryRun, options, ids)' },
      { path: 'params.region', message: 'param "region" must be one of "us", "eu"' },
      { path: 'params.limit', message: 'param "limit" must be >= 1' },
      { path: 'params.ratio', message: 'param "ratio" must be a number' },
      { path: 'params.dryRun', message: 'param "dryRun" must be a boolean' },
      { path: 'params.options', message: 'param "options" must be an object' },
      { path: 'params.ids', message: 'param "ids" is required' },
    ]);
  });
  it('checks integers, finite numbers and maximum', () => {
    expect(validateParams({ n: { type: 'integer' } }, { n: 1.5 })).toMatchObject({
      ok: false,
      errors: [{ path: 'params.n', message: 'param "n" must be an integer' }],
    });
    expect(validateParams({ n: { type: 'number' } }, { n: Number.POSITIVE_INFINITY })).toMatchObject({ ok: false });
    expect(validateParams({ n: { type: 'number', maximum: 3 } }, { n: 4 })).toMatchObject({ ok: false, errors: [{ message: 'param "n" must be <= 3' }] });
  });
  it('compares enum values structurally', () => {
    const s = { pick: { type: 'object', enum: [{ a: 1, b: [2] }] } } as Record<string, ParamSpec>;
    expect(validateParams(s, { pick: { b: [2], a: 1 } }).ok).toBe(true);
    expect(validateParams(s, { pick: { a: 1, b: [3] } }).ok).toBe(false);
  });
  it('rejects params that are not an object', () => {
    expect(validateParams(specs, [1])).toEqual({ ok: false, errors: [{ path: 'params', message: 'params must be an object' }] });
    expect(validateParams(specs, 'x')).toMatchObject({ ok: false });
  });
  it('rejects every param when the DAG declares none', () => {
    expect(validateParams({}, { a: 1 })).toEqual({ ok: false, errors: [{ path: 'params.a', message: 'unknown param "a" (declared: none)' }] });
  });
  it('does not hand out the spec’s default objects', () => {
    const r = validateParams(specs, { ids: [] });
    if (!r.ok) throw new Error('invalid');
    (r.params.options as Record<string, number>).a = 2;
    expect(specs.options.default).toEqual({ a: 1 });
  });
  it('does not treat inherited names as declared', () => {
    expect(validateParams({}, JSON.parse('{"toString":1}'))).toMatchObject({ ok: false });
  });
});

describe('paramSpecErrors', () => {
  it('accepts a consistent declaration', () => {
    expect(paramSpecErrors('n', { type: 'integer', minimum: 1, maximum: 5, default: 3, enum: [1, 3, 5] }, 'params.n')).toEqual([]);
  });
  it('reports bounds on non-numeric params, inverted bounds, bad enum values and a bad default', () => {
    expect(paramSpecErrors('s', { type: 'string', maximum: 3, enum: ['a', 1], default: 'b' }, 'params.s')).toEqual([
      { path: 'params.s.maximum', message: 'maximum applies to number and integer params only' },
      { path: 'params.s.enum[1]', message: 'enum values of param "s" must be a string' },
      { path: 'params.s.default', message: 'param "s" must be one of "a", 1' },
    ]);
    expect(paramSpecErrors('n', { type: 'number', minimum: 2, maximum: 1 }, 'params.n')).toEqual([
      { path: 'params.n.minimum', message: 'minimum 2 is greater than maximum 1' },
    ]);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
import { canonicalSpecJson, parseDagSpecText, specHash } from './spec-text.js';

describe('parseDagSpecText', () => {
  it('parses JSON', () => {
    expect(parseDagSpecText('  {"dagId":"d","tasks":[{"taskId":"a","type":"noop"}]}\n')).toEqual({ dagId: 'd', tasks: [{ taskId: 'a', type: 'noop' }] });
  });
  it('parses the same document in YAML', () => {
    const yaml = 'dagId: d\nschedule: "0 3 * * *"\ntasks:\n  - taskId: a\n    type: noop\n    with: { durationMs: 5 }\n';
    expect(parseDagSpecText(yaml)).toEqual({ dagId: 'd', schedule: '0 3 * * *', tasks: [{ taskId: 'a', type: 'noop', with: { durationMs: 5 } }] });
  });
  it('keeps YAML 1.1 booleans and unquoted dates as strings (YAML 1.2 core schema, like JSON)', () => {
    expect(parseDagSpecText('on: yes\nstartDate: 2026-01-01T00:00:00\nn: 0o10\nx: null\n')).toEqual({
      on: 'yes',
      startDate: '2026-01-01T00:00:00',
      n: 8,
      x: null,
    });
  });
  it('reports a YAML error with its line and column', () => {
    let error: unknown;
    try {
      parseDagSpecText('dagId: d\ntasks:\n  - taskId: a\n   type: noop\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TowerError);
    expect((error as TowerError).code).toBe('BAD_USER_INPUT');
    expect((error as TowerError).message).toMatch(/^the spec is not valid YAML \(line \d+, column \d+\)/);
    expect((error as TowerError).details).toEqual({ line: expect.any(Number), column: expect.any(Number) });
  });
  it('rejects duplicate YAML keys, several documents, invalid JSON and empty text', () => {
    expect(() => parseDagSpecText('a: 1\na: 2\n')).toThrow(/not valid YAML/);
    expect(() => parseDagSpecText('a: 1\n---\nb: 2\n')).toThrow(/not valid YAML/);
    expect(() => parseDagSpecText('{"a": 1,}')).toThrow(/not valid JSON/);
    expect(() => parseDagSpecText('   \n')).toThrow(/empty/);
  });
  it('bounds alias expansion', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
    ].join('\n');
    expect(() => parseDagSpecText(bomb)).toThrow(/Excessive alias count/);
  });
});

describe('canonicalSpecJson and specHash', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalSpecJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('drops undefined values, like JSON', () => {
    expect(canonicalSpecJson({ a: undefined, b: [1] })).toBe('{"b":[1]}');
  });
  it('keeps a __proto__ key as data', () => {
    expect(canonicalSpecJson(JSON.parse('{"__proto__":{"x":1},"a":1}'))).toBe('{"__proto__":{"x":1},"a":1}');
  });
  it('gives equal specs with different key order the same hash, and different specs different hashes', () => {
    const a = { dagId: 'd', tasks: [{ taskId: 'x', type: 'noop' }] };
    const b = { tasks: [{ type: 'noop', taskId: 'x' }], dagId: 'd' };
    expect(specHash(a)).toBe(specHash(b));
    expect(specHash(a)).not.toBe(specHash({ ...a, dagId: 'e' }));
    expect(specHash({ tasks: [1, 2] })).not.toBe(specHash({ tasks: [2, 1] }));
  });
  it('is the sha256 hex of the canonical JSON', () => {
    const spec = { b: 2, a: 1 };
    expect(specHash(spec)).toBe(createHash('sha256').update('{"a":1,"b":2}').digest('hex'));
    expect(specHash(spec)).toMatch(/^[0-9a-f]{64}$/);
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { defaultSubject, failedUpstream, resolveStatus, shouldNotify, summarize } from './status.js';
import { signBody } from './webhook.js';

const ctx = (xcom: Record<string, Record<string, unknown>>, upstream = Object.keys(xcom), upstreamStates: Record<string, string> = {}) => ({
  dagId: 'd',
  runId: 'r1',
  logicalDate: new Date('2026-01-02T03:00:00Z'),
  upstream,
  upstreamStates,
  xcom,
});

describe('notify status', () => {
  it('reports failure when a direct upstream task failed or was upstream_failed (trigger rule all_done)', () => {
    expect(resolveStatus(ctx({}, ['q', 'l'], { q: 'failed', l: 'success' }), undefined)).toBe('failure');
    expect(resolveStatus(ctx({}, ['q'], { q: 'upstream_failed' }), undefined)).toBe('failure');
    expect(resolveStatus(ctx({}, ['q'], { q: 'skipped' }), undefined)).toBe('success');
    expect(failedUpstream(ctx({}, ['a', 'b', 'c'], { a: 'failed', b: 'success', c: 'upstream_failed' }))).toEqual(['a', 'c']);
    expect(summarize(ctx({}, ['q'], { q: 'failed' }), 'failure')).toContain('- q: FAILED');
  });

  it('takes with.status, else failure when an upstream returned passed: false', () => {
    expect(resolveStatus(ctx({ q: { return_value: { passed: false } } }), undefined)).toBe('failure');
    expect(resolveStatus(ctx({ q: { return_value: { passed: true } }, l: { return_value: 5 } }), undefined)).toBe('success');
    expect(resolveStatus(ctx({ q: { return_value: { passed: false } } }, []), undefined)).toBe('success');
    expect(resolveStatus(ctx({ q: { return_value: { passed: true } } }), 'failure')).toBe('failure');
    expect(() => resolveStatus(ctx({}), 'ok')).toThrow('with.status must be success or failure');
  });
  it('matches on against the status (default always, lists allowed)', () => {
    expect(shouldNotify(undefined, 'failure')).toBe(true);
    expect(shouldNotify('success', 'failure')).toBe(false);
    expect(shouldNotify(['success', 'failure'], 'failure')).toBe(true);
    expect(() => shouldNotify('sometimes', 'success')).toThrow('with.on must be');
  });
  it('summarizes the upstream results', () => {
    const text = summarize(
      ctx({
        sql: { return_value: { statements: 2, rowCount: 7, rows: [] } },
        file: { return_value: { bucket: 'b', key: 'k.csv' } },
        noop: {},
      }),
      'success',
    );
    expect(text).toBe(
      [
        'd run r1 (logical date 2026-01-02T03:00:00.000Z): success',
        '- sql: 2 statement(s), last returned 7 row(s)',
        '- file: s3://b/k.csv',
        '- noop: no result',
      ].join('\n'),
    );
    expect(defaultSubject({ dagId: 'd', runId: 'r1' }, 'failure')).toBe('[Tower] d FAILED (r1)');
  });
  it('signs the exact body with HMAC-SHA256', () => {
    expect(signBody('s3cret', '{"a":1}')).toBe(`sha256=${createHmac('sha256', 's3cret').update('{"a":1}').digest('hex')}`);
  });
});

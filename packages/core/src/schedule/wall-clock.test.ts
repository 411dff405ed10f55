import { describe, expect, it } from '@jest/globals';
import { IANAZone } from 'luxon';
import { dayWallTimeResolver, naiveOf, resolveWallTime, wallTimeToInstant } from './wall-clock.js';

const naive = (s: string) => Date.parse(`${s}Z`);
const iso = (ms: number) => new Date(ms).toISOString();
const chicago = IANAZone.create('America/Chicago');
const lordHowe = IANAZone.create('Australia/Lord_Howe');

describe('resolveWallTime', () => {
  it('maps an ordinary wall time to one instant', () => {
    const r = resolveWallTime(chicago, naive('2024-06-01T12:00:00'));
    expect(r).toEqual({ kind: 'single', instant: Date.parse('2024-06-01T17:00:00Z') });
  });
  it('maps a fall-back wall time to both instants, first one first', () => {
    const r = resolveWallTime(chicago, naive('2024-11-03T01:30:00'));
    expect(r.kind).toBe('fold');
    if (r.kind === 'fold') expect([iso(r.first), iso(r.second)]).toEqual(['2024-11-03T06:30:00.000Z', '2024-11-03T07:30:00.000Z']);
  });
  it('maps a spring-forward gap wall time to the end of the gap', () => {
    expect(resolveWallTime(chicago, naive('2024-03-10T02:00:00'))).toEqual({ kind: 'gap', instant: Date.parse('2024-03-10T08:00:00Z') });
    expect(resolveWallTime(chicago, naive('2024-03-10T02:59:00'))).toEqual({ kind: 'gap', instant: Date.parse('2024-03-10T08:00:00Z') });
    expect(resolveWallTime(chicago, naive('2024-03-10T03:00:00'))).toEqual({ kind: 'single', instant: Date.parse('2024-03-10T08:00:00Z') });
  });
  it('handles half-hour shifts (Lord Howe)', () => {
    expect(resolveWallTime(lordHowe, naive('2024-10-06T02:10:00'))).toEqual({ kind: 'gap', instant: Date.parse('2024-10-05T15:30:00Z') });
    const fold = resolveWallTime(lordHowe, naive('2024-04-07T01:40:00'));
    expect(fold.kind === 'fold' && [iso(fold.first), iso(fold.second)]).toEqual(['2024-04-06T14:40:00.000Z', '2024-04-06T15:10:00.000Z']);
  });
  it('wallTimeToInstant picks the first occurrence or the end of the gap', () => {
    expect(iso(wallTimeToInstant(chicago, naive('2024-11-03T01:30:00')))).toBe('2024-11-03T06:30:00.000Z');
    expect(iso(wallTimeToInstant(chicago, naive('2024-03-10T02:30:00')))).toBe('2024-03-10T08:00:00.000Z');
  });
  it('naiveOf is the inverse on ordinary times', () => {
    const t = Date.parse('2024-06-01T17:00:00Z');
    expect(iso(naiveOf(chicago, t))).toBe('2024-06-01T12:00:00.000Z');
  });
});

describe('dayWallTimeResolver', () => {
  it('resolves every minute of a transition day like resolveWallTime does minute by minute', () => {
    for (const [zone, day] of [
      [chicago, '2024-03-10'],
      [chicago, '2024-11-03'],
      [lordHowe, '2024-04-07'],
      [lordHowe, '2024-10-06'],
      [IANAZone.create('America/Santiago'), '2024-04-06'],
      [IANAZone.create('Pacific/Apia'), '2011-12-30'],
    ] as const) {
      const start = naive(`${day}T00:00:00`);
      const resolve = dayWallTimeResolver(zone, start);
      for (let m = 0; m < 1440; m += 7) {
        const wall = start + m * 60_000;
        const r = resolve(wall);
        const instants = r.kind === 'fold' ? [r.first, r.second] : [r.instant];
        for (const t of instants) {
          // Every instant reads as the wall time, except the gap's replacement (the end of the gap).
          if (r.kind === 'gap') expect(zone.offset(t - 60_000)).not.toBe(zone.offset(t));
          else expect(naiveOf(zone, t)).toBe(wall);
        }
      }
    }
  });
  it('skips the whole of 2011-12-30 in Samoa, mapping it to the start of the 31st', () => {
    const apia = IANAZone.create('Pacific/Apia');
    expect(resolveWallTime(apia, naive('2011-12-30T12:00:00'))).toEqual({ kind: 'gap', instant: Date.parse('2011-12-30T10:00:00Z') });
  });
});

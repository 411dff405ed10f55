import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
import { compileCron, isFireTime, iterateFireTimes, nextFireAfter, nextFireTimes, parseSchedule, prevFireAtOrBefore, prevFireBefore } from './cron.js';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString().replace('.000Z', 'Z'));
const times = (cron: string, tz: string, after: string, n: number) => iso(nextFireTimes(cron, tz, new Date(after), n));
const prev = (cron: string, tz: string, at: string) => prevFireAtOrBefore(cron, tz, new Date(at))?.toISOString().replace('.000Z', 'Z') ?? null;

describe('America/Chicago spring forward (2024-03-10, 02:00 CST → 03:00 CDT at 08:00Z)', () => {
  it('runs a daily 02:30 job at the first valid instant after the gap: 03:00 CDT = 08:00Z', () => {
    expect(times('30 2 * * *', 'America/Chicago', '2024-03-09T00:00:00Z', 3)).toEqual(['2024-03-09T08:30:00Z', '2024-03-10T08:00:00Z', '2024-03-11T07:30:00Z']);
  });
  it('keeps a daily 03:00 job at 03:00 local, which is 08:00Z on the transition day', () => {
    expect(times('0 3 * * *', 'America/Chicago', '2024-03-09T00:00:00Z', 3)).toEqual(['2024-03-09T09:00:00Z', '2024-03-10T08:00:00Z', '2024-03-11T08:00:00Z']);
  });
  it('keeps a daily 01:00 job (before the gap) at 01:00 local', () => {
    expect(times('0 1 * * *', 'America/Chicago', '2024-03-09T00:00:00Z', 3)).toEqual(['2024-03-09T07:00:00Z', '2024-03-10T07:00:00Z', '2024-03-11T06:00:00Z']);
  });
  it('runs an hourly :00 job once for the skipped hour (02:00 → 03:00 CDT), without a duplicate', () => {
    expect(times('0 * * * *', 'America/Chicago', '2024-03-10T05:59:00Z', 4)).toEqual([
      '2024-03-10T06:00:00Z',
      '2024-03-10T07:00:00Z',
      '2024-03-10T08:00:00Z',
      '2024-03-10T09:00:00Z',
    ]);
  });
  it('runs an hourly :30 job at 03:00 CDT for the skipped 02:30', () => {
    expect(times('30 * * * *', 'America/Chicago', '2024-03-10T06:00:00Z', 5)).toEqual([
      '2024-03-10T06:30:00Z',
      '2024-03-10T07:30:00Z',
      '2024-03-10T08:00:00Z',
      '2024-03-10T08:30:00Z',
      '2024-03-10T09:30:00Z',
    ]);
  });
  it('collapses several fire times inside the gap into one instant', () => {
    expect(times('*/15 * * * *', 'America/Chicago', '2024-03-10T07:40:00Z', 4)).toEqual([
      '2024-03-10T07:45:00Z',
      '2024-03-10T08:00:00Z',
      '2024-03-10T08:15:00Z',
      '2024-03-10T08:30:00Z',
    ]);
  });
});

describe('America/Chicago fall back (2024-11-03, 02:00 CDT → 01:00 CST at 07:00Z)', () => {
  it('runs a daily 01:00 job once, at the first occurrence (CDT)', () => {
    expect(times('0 1 * * *', 'America/Chicago', '2024-11-02T00:00:00Z', 3)).toEqual(['2024-11-02T06:00:00Z', '2024-11-03T06:00:00Z', '2024-11-04T07:00:00Z']);
    expect(times('30 1 * * *', 'America/Chicago', '2024-11-02T12:00:00Z', 2)).toEqual(['2024-11-03T06:30:00Z', '2024-11-04T07:30:00Z']);
  });
  it('keeps daily 02:30 and 03:00 jobs once a day', () => {
    expect(times('30 2 * * *', 'America/Chicago', '2024-11-02T00:00:00Z', 3)).toEqual(['2024-11-02T07:30:00Z', '2024-11-03T08:30:00Z', '2024-11-04T08:30:00Z']);
    expect(times('0 3 * * *', 'America/Chicago', '2024-11-02T00:00:00Z', 3)).toEqual(['2024-11-02T08:00:00Z', '2024-11-03T09:00:00Z', '2024-11-04T09:00:00Z']);
  });
  it('runs hourly :00 and :30 jobs for both repeated hours', () => {
    expect(times('0 * * * *', 'America/Chicago', '2024-11-03T04:59:00Z', 5)).toEqual([
      '2024-11-03T05:00:00Z',
      '2024-11-03T06:00:00Z',
      '2024-11-03T07:00:00Z',
      '2024-11-03T08:00:00Z',
      '2024-11-03T09:00:00Z',
    ]);
    expect(times('30 * * * *', 'America/Chicago', '2024-11-03T05:00:00Z', 4)).toEqual([
      '2024-11-03T05:30:00Z',
      '2024-11-03T06:30:00Z',
      '2024-11-03T07:30:00Z',
      '2024-11-03T08:30:00Z',
    ]);
  });
  it('treats a stepped hour field as hourly-type and a list of hours as daily-type', () => {
    expect(times('0 1-23/2 * * *', 'America/Chicago', '2024-11-03T05:30:00Z', 3)).toEqual([
      '2024-11-03T06:00:00Z',
      '2024-11-03T07:00:00Z',
      '2024-11-03T09:00:00Z',
    ]);
    expect(times('0 1,3 * * *', 'America/Chicago', '2024-11-03T05:30:00Z', 2)).toEqual(['2024-11-03T06:00:00Z', '2024-11-03T09:00:00Z']);
    expect(compileCron('0 */2 * * *', 'UTC').foldPolicy).toBe('both');
    expect(compileCron('@hourly', 'UTC').foldPolicy).toBe('both');
    expect(compileCron('0 1-3 * * *', 'UTC').foldPolicy).toBe('first');
  });
  it('finds previous fire times across the repeated hour', () => {
    expect(prev('0 * * * *', 'America/Chicago', '2024-11-03T07:59:00Z')).toBe('2024-11-03T07:00:00Z');
    expect(prev('0 * * * *', 'America/Chicago', '2024-11-03T06:59:00Z')).toBe('2024-11-03T06:00:00Z');
    expect(prev('0 1 * * *', 'America/Chicago', '2024-11-03T07:59:00Z')).toBe('2024-11-03T06:00:00Z');
  });
});

describe('Europe/London', () => {
  it('spring 2024-03-31 (01:00 GMT → 02:00 BST): 01:30 and 01:00 run at 02:00 BST = 01:00Z', () => {
    expect(times('30 1 * * *', 'Europe/London', '2024-03-30T00:00:00Z', 3)).toEqual(['2024-03-30T01:30:00Z', '2024-03-31T01:00:00Z', '2024-04-01T00:30:00Z']);
    expect(times('0 1 * * *', 'Europe/London', '2024-03-30T12:00:00Z', 2)).toEqual(['2024-03-31T01:00:00Z', '2024-04-01T00:00:00Z']);
    expect(times('0 2 * * *', 'Europe/London', '2024-03-30T12:00:00Z', 2)).toEqual(['2024-03-31T01:00:00Z', '2024-04-01T01:00:00Z']);
    expect(times('0 * * * *', 'Europe/London', '2024-03-30T23:30:00Z', 3)).toEqual(['2024-03-31T00:00:00Z', '2024-03-31T01:00:00Z', '2024-03-31T02:00:00Z']);
  });
  it('autumn 2024-10-27 (02:00 BST → 01:00 GMT): daily once at the first 01:30, hourly twice', () => {
    expect(times('30 1 * * *', 'Europe/London', '2024-10-26T12:00:00Z', 2)).toEqual(['2024-10-27T00:30:00Z', '2024-10-28T01:30:00Z']);
    expect(times('0 * * * *', 'Europe/London', '2024-10-26T22:59:00Z', 4)).toEqual([
      '2024-10-26T23:00:00Z',
      '2024-10-27T00:00:00Z',
      '2024-10-27T01:00:00Z',
      '2024-10-27T02:00:00Z',
    ]);
  });
});

describe('Australia/Lord_Howe (30-minute DST shift)', () => {
  it('fall back 2024-04-07 (02:00 +11 → 01:30 +10:30): daily 01:45 at the first occurrence, hourly :45 both', () => {
    expect(times('45 1 * * *', 'Australia/Lord_Howe', '2024-04-06T00:00:00Z', 2)).toEqual(['2024-04-06T14:45:00Z', '2024-04-07T15:15:00Z']);
    expect(times('45 * * * *', 'Australia/Lord_Howe', '2024-04-06T13:00:00Z', 4)).toEqual([
      '2024-04-06T13:45:00Z',
      '2024-04-06T14:45:00Z',
      '2024-04-06T15:15:00Z',
      '2024-04-06T16:15:00Z',
    ]);
  });
  it('fall back: a :00 hourly job is not repeated (01:00 is before the repeated half hour)', () => {
    expect(times('0 * * * *', 'Australia/Lord_Howe', '2024-04-06T12:30:00Z', 3)).toEqual([
      '2024-04-06T13:00:00Z',
      '2024-04-06T14:00:00Z',
      '2024-04-06T15:30:00Z',
    ]);
  });
  it('spring forward 2024-10-06 (02:00 +10:30 → 02:30 +11): 02:15 runs at the end of the gap, 15:30Z', () => {
    expect(times('15 2 * * *', 'Australia/Lord_Howe', '2024-10-04T00:00:00Z', 3)).toEqual([
      '2024-10-04T15:45:00Z',
      '2024-10-05T15:30:00Z',
      '2024-10-06T15:15:00Z',
    ]);
    expect(times('*/15 * * * *', 'Australia/Lord_Howe', '2024-10-05T15:10:00Z', 3)).toEqual([
      '2024-10-05T15:15:00Z',
      '2024-10-05T15:30:00Z',
      '2024-10-05T15:45:00Z',
    ]);
  });
});

describe('calendar edge cases', () => {
  it('Feb 29 fires only in leap years, 2024 → 2028 → 2032, also in a zone', () => {
    expect(times('0 0 29 2 *', 'UTC', '2024-01-01T00:00:00Z', 3)).toEqual(['2024-02-29T00:00:00Z', '2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']);
    expect(times('0 0 29 2 *', 'America/Chicago', '2024-03-01T00:00:00Z', 2)).toEqual(['2028-02-29T06:00:00Z', '2032-02-29T06:00:00Z']);
    expect(prev('0 0 29 2 *', 'UTC', '2031-12-31T00:00:00Z')).toBe('2028-02-29T00:00:00Z');
  });
  it('Feb 29 skips 2100, which is not a leap year (8 years between fires)', () => {
    expect(times('0 0 29 2 *', 'UTC', '2096-03-01T00:00:00Z', 1)).toEqual(['2104-02-29T00:00:00Z']);
    expect(prev('0 0 29 2 *', 'UTC', '2104-02-28T00:00:00Z')).toBe('2096-02-29T00:00:00Z');
  });
  it('day-of-month 31 skips the short months', () => {
    expect(times('0 0 31 * *', 'UTC', '2024-01-01T00:00:00Z', 7)).toEqual([
      '2024-01-31T00:00:00Z',
      '2024-03-31T00:00:00Z',
      '2024-05-31T00:00:00Z',
      '2024-07-31T00:00:00Z',
      '2024-08-31T00:00:00Z',
      '2024-10-31T00:00:00Z',
      '2024-12-31T00:00:00Z',
    ]);
  });
  it('matches either day field when both are restricted (Vixie cron)', () => {
    // the 1st of the month OR any Monday
    expect(times('0 0 1 * 1', 'UTC', '2024-04-28T00:00:00Z', 3)).toEqual(['2024-04-29T00:00:00Z', '2024-05-01T00:00:00Z', '2024-05-06T00:00:00Z']);
  });
  it('accepts day-of-week 7 and names for Sunday, months and weekdays', () => {
    expect(times('0 12 * * 7', 'UTC', '2024-04-01T00:00:00Z', 1)).toEqual(['2024-04-07T12:00:00Z']);
    expect(times('0 12 * * SUN', 'UTC', '2024-04-01T00:00:00Z', 1)).toEqual(['2024-04-07T12:00:00Z']);
    expect(times('0 9 * JAN MON-FRI', 'UTC', '2024-12-30T00:00:00Z', 2)).toEqual(['2025-01-01T09:00:00Z', '2025-01-02T09:00:00Z']);
  });
});

describe('0 3 * * * daily in America/New_York across the 2026 changes', () => {
  it('moves from 08:00Z to 07:00Z on 2026-03-08', () => {
    expect(times('0 3 * * *', 'America/New_York', '2026-03-06T00:00:00Z', 4)).toEqual([
      '2026-03-06T08:00:00Z',
      '2026-03-07T08:00:00Z',
      '2026-03-08T07:00:00Z',
      '2026-03-09T07:00:00Z',
    ]);
  });
  it('moves back to 08:00Z on 2026-11-01', () => {
    expect(times('0 3 * * *', 'America/New_York', '2026-10-30T12:00:00Z', 3)).toEqual(['2026-10-31T07:00:00Z', '2026-11-01T08:00:00Z', '2026-11-02T08:00:00Z']);
  });
});

describe('fire-time queries', () => {
  it('expands presets', () => {
    expect(times('@hourly', 'UTC', '2024-01-01T00:10:00Z', 2)).toEqual(['2024-01-01T01:00:00Z', '2024-01-01T02:00:00Z']);
    expect(times('@daily', 'UTC', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-02T00:00:00Z']);
    expect(times('@weekly', 'UTC', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-07T00:00:00Z']);
    expect(times('@monthly', 'UTC', '2024-01-15T00:00:00Z', 1)).toEqual(['2024-02-01T00:00:00Z']);
    expect(times('@yearly', 'UTC', '2024-01-15T00:00:00Z', 1)).toEqual(['2025-01-01T00:00:00Z']);
    expect(times('@DAILY', 'Europe/Paris', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-01T23:00:00Z']);
  });
  it('is strictly after `after`; prevFireAtOrBefore includes `at`, prevFireBefore excludes it', () => {
    expect(nextFireAfter('0 3 * * *', 'UTC', new Date('2024-01-01T03:00:00Z'))?.toISOString()).toBe('2024-01-02T03:00:00.000Z');
    expect(prev('0 3 * * *', 'UTC', '2024-01-01T03:00:00Z')).toBe('2024-01-01T03:00:00Z');
    expect(prev('0 3 * * *', 'UTC', '2024-01-01T02:59:59Z')).toBe('2023-12-31T03:00:00Z');
    expect(prevFireBefore('0 3 * * *', 'UTC', new Date('2024-01-01T03:00:00Z'))?.toISOString()).toBe('2023-12-31T03:00:00.000Z');
    expect(prev('0 3 * * *', 'America/Chicago', '2024-03-10T08:30:00Z')).toBe('2024-03-10T08:00:00Z');
  });
  it('handles sub-second `after` and returns whole-minute instants', () => {
    expect(times('* * * * *', 'UTC', '2024-01-01T00:00:59.999Z', 2)).toEqual(['2024-01-01T00:01:00Z', '2024-01-01T00:02:00Z']);
  });
  it('returns no times for count 0 and rejects a negative count or an invalid date', () => {
    expect(nextFireTimes('@daily', 'UTC', new Date('2024-01-01T00:00:00Z'), 0)).toEqual([]);
    expect(() => nextFireTimes('@daily', 'UTC', new Date('2024-01-01T00:00:00Z'), -1)).toThrow(/count/);
    expect(() => nextFireAfter('@daily', 'UTC', new Date('nope'))).toThrow(/valid date/);
  });
  it('isFireTime and iterateFireTimes agree with nextFireTimes', () => {
    expect(isFireTime('0 3 * * *', 'America/Chicago', new Date('2024-03-10T08:00:00Z'))).toBe(true);
    expect(isFireTime('0 3 * * *', 'America/Chicago', new Date('2024-03-10T09:00:00Z'))).toBe(false);
    const it5: Date[] = [];
    for (const d of iterateFireTimes('0 * * * *', 'America/Chicago', new Date('2024-11-03T04:59:00Z'))) {
      it5.push(d);
      if (it5.length === 5) break;
    }
    expect(iso(it5)).toEqual(times('0 * * * *', 'America/Chicago', '2024-11-03T04:59:00Z', 5));
  });
  it('validates eagerly in iterateFireTimes', () => {
    expect(() => iterateFireTimes('bad', 'UTC', new Date())).toThrow(TowerError);
  });
  it('enumerates an every-minute schedule for a day quickly', () => {
    const started = performance.now();
    const all = nextFireTimes('* * * * *', 'America/Chicago', new Date('2024-11-02T12:00:00Z'), 2000);
    expect(all).toHaveLength(2000);
    expect(new Set(all.map((d) => d.getTime())).size).toBe(2000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('parseSchedule errors', () => {
  it.each([
    ['61 * * * *', /invalid cron/],
    ['0 24 * * *', /invalid cron/],
    ['0 0 0 * *', /invalid cron/],
    ['0 0 * 13 *', /invalid cron/],
    ['5-1 * * * *', /invalid cron/],
    ['*/0 * * * *', /invalid cron/],
    ['* * * *', /5 fields/],
    ['0 0 * * * *', /5 fields/],
    ['', /non-empty/],
    ['@fortnightly', /unknown schedule preset/],
    ['@once', /not a recurring schedule/],
    ['0 0 L * *', /not supported/],
    ['0 0 1W * *', /not supported/],
    ['0 0 * * 1#2', /not supported/],
    ['0 0 ? * *', /not supported/],
    ['H * * * *', /not supported/],
    ['0 0 31 2 *', /never fires/],
    ['0 0 30,31 2 *', /never fires/],
    ['0 0 31 4,6,9,11 *', /never fires/],
  ])('rejects %j', (cron, message) => {
    let error: unknown;
    try {
      parseSchedule(cron, 'UTC');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TowerError);
    expect((error as TowerError).message).toMatch(message);
    expect((error as TowerError).code).toBe('BAD_USER_INPUT');
    expect((error as TowerError).path).toBe('schedule');
  });
  it('rejects an unknown time zone with path timezone', () => {
    expect(() => parseSchedule('0 3 * * *', 'Mars/Olympus_Mons')).toThrow(/unknown time zone "Mars\/Olympus_Mons"/);
    try {
      parseSchedule('0 3 * * *', 'Mars/Olympus_Mons');
    } catch (e) {
      expect((e as TowerError).path).toBe('timezone');
    }
  });
  it('accepts a Feb-29 schedule and ranges, steps, lists and names', () => {
    for (const cron of ['0 0 29 2 *', '0 0 30 1,2 *', '*/5 9-17 * * MON-FRI', '0 0 1-7 * 1', '15,45 */3 1,15 jan,jul *'])
      expect(() => parseSchedule(cron, 'UTC')).not.toThrow();
  });
});

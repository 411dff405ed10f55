import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
import { nextFireAfter, nextFireTimes, parseSchedule, prevFireAtOrBefore } from './cron.js';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString().replace('.000Z', 'Z'));
const times = (cron: string, tz: string, after: string, n: number) => iso(nextFireTimes(cron, tz, new Date(after), n));

describe('cron in a time zone — America/Chicago spring forward (2024-03-10, 02:00 CST → 03:00 CDT)', () => {
  it('runs a daily 02:30 job at the first valid instant after the gap (03:00 CDT)', () => {
    expect(times('30 2 * * *', 'America/Chicago', '2024-03-09T00:00:00Z', 3)).toEqual(['2024-03-09T08:30:00Z', '2024-03-10T08:00:00Z', '2024-03-11T07:30:00Z']);
  });
  it('keeps daily 03:00 and 01:00 jobs at their wall-clock time', () => {
    expect(times('0 3 * * *', 'America/Chicago', '2024-03-09T00:00:00Z', 3)).toEqual(['2024-03-09T09:00:00Z', '2024-03-10T08:00:00Z', '2024-03-11T08:00:00Z']);
    expect(times('0 1 * * *', 'America/Chicago', '2024-03-09T12:00:00Z', 2)).toEqual(['2024-03-10T07:00:00Z', '2024-03-11T06:00:00Z']);
  });
  it('runs an hourly job once for the skipped hour, without duplicates', () => {
    expect(times('0 * * * *', 'America/Chicago', '2024-03-10T05:59:00Z', 4)).toEqual(['2024-03-10T06:00:00Z', '2024-03-10T07:00:00Z', '2024-03-10T08:00:00Z', '2024-03-10T09:00:00Z']);
    expect(times('30 * * * *', 'America/Chicago', '2024-03-10T06:00:00Z', 4)).toEqual(['2024-03-10T06:30:00Z', '2024-03-10T07:30:00Z', '2024-03-10T08:00:00Z', '2024-03-10T08:30:00Z']);
  });
});

describe('America/Chicago fall back (2024-11-03, 02:00 CDT → 01:00 CST)', () => {
  it('runs a daily job in the repeated hour once, at the first occurrence', () => {
    expect(times('30 1 * * *', 'America/Chicago', '2024-11-02T12:00:00Z', 2)).toEqual(['2024-11-03T06:30:00Z', '2024-11-04T07:30:00Z']);
    expect(times('0 1 * * *', 'America/Chicago', '2024-11-02T12:00:00Z', 2)).toEqual(['2024-11-03T06:00:00Z', '2024-11-04T07:00:00Z']);
  });
  it('keeps daily 02:30 and 03:00 jobs once a day', () => {
    expect(times('30 2 * * *', 'America/Chicago', '2024-11-02T12:00:00Z', 2)).toEqual(['2024-11-03T08:30:00Z', '2024-11-04T08:30:00Z']);
    expect(times('0 3 * * *', 'America/Chicago', '2024-11-02T12:00:00Z', 2)).toEqual(['2024-11-03T09:00:00Z', '2024-11-04T09:00:00Z']);
  });
  it('runs an hourly job for both repeated hours', () => {
    expect(times('0 * * * *', 'America/Chicago', '2024-11-03T04:59:00Z', 5)).toEqual([
      '2024-11-03T05:00:00Z',
      '2024-11-03T06:00:00Z',
      '2024-11-03T07:00:00Z',
      '2024-11-03T08:00:00Z',
      '2024-11-03T09:00:00Z',
    ]);
    expect(times('30 * * * *', 'America/Chicago', '2024-11-03T05:00:00Z', 4)).toEqual(['2024-11-03T05:30:00Z', '2024-11-03T06:30:00Z', '2024-11-03T07:30:00Z', '2024-11-03T08:30:00Z']);
  });
});

describe('Europe/London', () => {
  it('spring (2024-03-31, 01:00 GMT → 02:00 BST): 01:30 runs at 02:00 BST', () => {
    expect(times('30 1 * * *', 'Europe/London', '2024-03-30T00:00:00Z', 3)).toEqual(['2024-03-30T01:30:00Z', '2024-03-31T01:00:00Z', '2024-04-01T00:30:00Z']);
  });
  it('autumn (2024-10-27, 02:00 BST → 01:00 GMT): daily once, hourly twice', () => {
    expect(times('30 1 * * *', 'Europe/London', '2024-10-26T12:00:00Z', 2)).toEqual(['2024-10-27T00:30:00Z', '2024-10-28T01:30:00Z']);
    expect(times('0 * * * *', 'Europe/London', '2024-10-26T22:59:00Z', 4)).toEqual(['2024-10-26T23:00:00Z', '2024-10-27T00:00:00Z', '2024-10-27T01:00:00Z', '2024-10-27T02:00:00Z']);
  });
});

describe('Australia/Lord_Howe (30-minute DST shift)', () => {
  it('fall back 2024-04-07 (02:00 +11 → 01:30 +10:30): daily first occurrence, hourly both', () => {
    expect(times('45 1 * * *', 'Australia/Lord_Howe', '2024-04-06T00:00:00Z', 2)).toEqual(['2024-04-06T14:45:00Z', '2024-04-07T15:15:00Z']);
    expect(times('45 * * * *', 'Australia/Lord_Howe', '2024-04-06T13:00:00Z', 4)).toEqual(['2024-04-06T13:45:00Z', '2024-04-06T14:45:00Z', '2024-04-06T15:15:00Z', '2024-04-06T16:15:00Z']);
  });
  it('spring forward 2024-10-06 (02:00 +10:30 → 02:30 +11): 02:15 runs at the end of the gap', () => {
    expect(times('15 2 * * *', 'Australia/Lord_Howe', '2024-10-04T00:00:00Z', 3)).toEqual(['2024-10-04T15:45:00Z', '2024-10-05T15:30:00Z', '2024-10-06T15:15:00Z']);
  });
});

describe('calendar edge cases', () => {
  it('Feb 29 fires only in leap years', () => {
    expect(times('0 0 29 2 *', 'UTC', '2024-01-01T00:00:00Z', 3)).toEqual(['2024-02-29T00:00:00Z', '2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']);
  });
  it('day-of-month 31 skips short months', () => {
    expect(times('0 0 31 * *', 'UTC', '2024-01-01T00:00:00Z', 5)).toEqual([
      '2024-01-31T00:00:00Z',
      '2024-03-31T00:00:00Z',
      '2024-05-31T00:00:00Z',
      '2024-07-31T00:00:00Z',
      '2024-08-31T00:00:00Z',
    ]);
  });
  it('matches either day field when both are restricted (Vixie cron)', () => {
    // the 1st of the month OR any Monday
    expect(times('0 0 1 * 1', 'UTC', '2024-04-28T00:00:00Z', 3)).toEqual(['2024-04-29T00:00:00Z', '2024-05-01T00:00:00Z', '2024-05-06T00:00:00Z']);
  });
  it('treats day-of-week 7 as Sunday', () => {
    expect(times('0 12 * * 7', 'UTC', '2024-04-01T00:00:00Z', 1)).toEqual(['2024-04-07T12:00:00Z']);
  });
});

describe('0 3 * * * daily in America/New_York across 2026 DST changes', () => {
  it('moves from 08:00Z to 07:00Z on 2026-03-08', () => {
    expect(times('0 3 * * *', 'America/New_York', '2026-03-06T00:00:00Z', 4)).toEqual(['2026-03-06T08:00:00Z', '2026-03-07T08:00:00Z', '2026-03-08T07:00:00Z', '2026-03-09T07:00:00Z']);
  });
  it('moves back to 08:00Z on 2026-11-01', () => {
    expect(times('0 3 * * *', 'America/New_York', '2026-10-30T12:00:00Z', 3)).toEqual(['2026-10-31T07:00:00Z', '2026-11-01T08:00:00Z', '2026-11-02T08:00:00Z']);
  });
});

describe('presets, previous fire times, errors', () => {
  it('expands presets', () => {
    expect(times('@hourly', 'UTC', '2024-01-01T00:10:00Z', 2)).toEqual(['2024-01-01T01:00:00Z', '2024-01-01T02:00:00Z']);
    expect(times('@daily', 'UTC', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-02T00:00:00Z']);
    expect(times('@weekly', 'UTC', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-07T00:00:00Z']);
    expect(times('@monthly', 'UTC', '2024-01-15T00:00:00Z', 1)).toEqual(['2024-02-01T00:00:00Z']);
    expect(times('@yearly', 'UTC', '2024-01-15T00:00:00Z', 1)).toEqual(['2025-01-01T00:00:00Z']);
  });
  it('is strictly after `after`, and prevFireAtOrBefore includes `at`', () => {
    expect(nextFireAfter('0 3 * * *', 'UTC', new Date('2024-01-01T03:00:00Z'))?.toISOString()).toBe('2024-01-02T03:00:00.000Z');
    expect(prevFireAtOrBefore('0 3 * * *', 'UTC', new Date('2024-01-01T03:00:00Z'))?.toISOString()).toBe('2024-01-01T03:00:00.000Z');
    expect(prevFireAtOrBefore('0 3 * * *', 'UTC', new Date('2024-01-01T02:59:59Z'))?.toISOString()).toBe('2023-12-31T03:00:00.000Z');
    expect(prevFireAtOrBefore('0 0 29 2 *', 'UTC', new Date('2027-06-01T00:00:00Z'))?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(prevFireAtOrBefore('0 3 * * *', 'America/Chicago', new Date('2024-03-10T08:30:00Z'))?.toISOString()).toBe('2024-03-10T08:00:00.000Z');
  });
  it.each([
    ['61 * * * *', /invalid cron/],
    ['* * * *', /5 fields/],
    ['0 0 * * * *', /5 fields/],
    ['@fortnightly', /unknown schedule preset/],
    ['0 0 L * *', /not supported/],
    ['0 0 * * 1#2', /not supported/],
  ])('rejects %s', (cron, message) => {
    expect(() => parseSchedule(cron, 'UTC')).toThrow(message);
    try {
      parseSchedule(cron, 'UTC');
    } catch (e) {
      expect(e).toBeInstanceOf(TowerError);
      expect((e as TowerError).code).toBe('BAD_USER_INPUT');
      expect((e as TowerError).path).toBe('schedule');
    }
  });
  it('rejects an unknown time zone', () => {
    expect(() => parseSchedule('0 3 * * *', 'Mars/Olympus_Mons')).toThrow(/unknown time zone/);
  });
});

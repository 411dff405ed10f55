import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
import {
  catchupIntervals,
  intervalsBetween,
  manualRunInterval,
  nextScheduledRun,
  parseLocalDate,
  type ScheduledRunInfo,
  type ScheduleSpec,
} from './intervals.js';

const z = (s: string) => new Date(s);
// 0 3 * * * in New York fires at 08:00Z (EST) until 2026-03-08, then 07:00Z (EDT).
const daily: ScheduleSpec = { schedule: '0 3 * * *', timezone: 'America/New_York', startDate: null, endDate: null, catchup: false };
const show = (r: ScheduledRunInfo | null) => (r ? [r.logicalDate.toISOString(), r.dueAt.toISOString()] : null);
const shows = (rs: ScheduledRunInfo[]) => rs.map(show);

describe('nextScheduledRun without catchup (Airflow: run the latest complete interval, skip missed ones)', () => {
  it('proposes the latest interval that has ended by now', () => {
    expect(show(nextScheduledRun(daily, null, z('2026-03-10T12:00:00Z')))).toEqual(['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z']);
  });
  it('with now exactly on a fire time, proposes the interval that ends now', () => {
    expect(show(nextScheduledRun(daily, null, z('2026-03-10T07:00:00Z')))).toEqual(['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z']);
    expect(show(nextScheduledRun(daily, null, z('2026-03-10T06:59:59.999Z')))).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T07:00:00.000Z']);
  });
  it('sets logicalDate = dataIntervalStart and dueAt = dataIntervalEnd (a 23-hour interval across spring forward)', () => {
    const r = nextScheduledRun(daily, null, z('2026-03-08T12:00:00Z'))!;
    expect(r).toEqual({
      logicalDate: z('2026-03-07T08:00:00Z'),
      dataIntervalStart: z('2026-03-07T08:00:00Z'),
      dataIntervalEnd: z('2026-03-08T07:00:00Z'),
      dueAt: z('2026-03-08T07:00:00Z'),
    });
  });
  it('after a run, proposes the following interval even though it is not due yet', () => {
    const r = nextScheduledRun(daily, z('2026-03-09T07:00:00Z'), z('2026-03-10T12:00:00Z'))!;
    expect(show(r)).toEqual(['2026-03-10T07:00:00.000Z', '2026-03-11T07:00:00.000Z']);
    expect(r.dueAt > z('2026-03-10T12:00:00Z')).toBe(true);
  });
  it('skips the intervals missed during downtime', () => {
    expect(show(nextScheduledRun(daily, z('2026-03-01T08:00:00Z'), z('2026-03-10T12:00:00Z')))).toEqual([
      '2026-03-09T07:00:00.000Z',
      '2026-03-10T07:00:00.000Z',
    ]);
  });
  it('waits for the first whole interval after a startDate that lies between the last complete interval and now', () => {
    const spec = { ...daily, startDate: '2026-03-09T12:00:00' };
    expect(show(nextScheduledRun(spec, null, z('2026-03-10T12:00:00Z')))).toEqual(['2026-03-10T07:00:00.000Z', '2026-03-11T07:00:00.000Z']);
  });
  it('proposes the first interval of a future startDate, not yet due', () => {
    const spec = { ...daily, startDate: '2027-01-01T00:00:00' };
    expect(show(nextScheduledRun(spec, null, z('2026-06-01T00:00:00Z')))).toEqual(['2027-01-01T08:00:00.000Z', '2027-01-02T08:00:00.000Z']);
    expect(catchupIntervals(spec, null, z('2026-06-01T00:00:00Z'), 10)).toEqual([]);
  });
  it('yields at most one due run in catchupIntervals', () => {
    expect(shows(catchupIntervals({ ...daily, startDate: '2026-01-01T00:00:00' }, z('2026-03-01T08:00:00Z'), z('2026-03-10T12:00:00Z'), 100))).toEqual([
      ['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z'],
    ]);
  });
});

describe('nextScheduledRun and catchupIntervals with catchup', () => {
  const spec: ScheduleSpec = { ...daily, catchup: true, startDate: '2026-03-06T00:00:00' };
  const now = z('2026-03-10T12:00:00Z');

  it('enumerates every missed interval from startDate, in order, across the DST change', () => {
    expect(shows(catchupIntervals(spec, null, now, 100))).toEqual([
      ['2026-03-06T08:00:00.000Z', '2026-03-07T08:00:00.000Z'],
      ['2026-03-07T08:00:00.000Z', '2026-03-08T07:00:00.000Z'],
      ['2026-03-08T07:00:00.000Z', '2026-03-09T07:00:00.000Z'],
      ['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z'],
    ]);
  });
  it('continues after the last run and honours max', () => {
    expect(shows(catchupIntervals(spec, z('2026-03-07T08:00:00Z'), now, 100))).toEqual([
      ['2026-03-08T07:00:00.000Z', '2026-03-09T07:00:00.000Z'],
      ['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z'],
    ]);
    expect(shows(catchupIntervals(spec, null, now, 2))).toEqual([
      ['2026-03-06T08:00:00.000Z', '2026-03-07T08:00:00.000Z'],
      ['2026-03-07T08:00:00.000Z', '2026-03-08T07:00:00.000Z'],
    ]);
    expect(catchupIntervals(spec, null, now, 0)).toEqual([]);
    expect(() => catchupIntervals(spec, null, now, -1)).toThrow(TowerError);
  });
  it('agrees with repeated nextScheduledRun calls', () => {
    const viaNext: ScheduledRunInfo[] = [];
    let last: Date | null = null;
    for (;;) {
      const r = nextScheduledRun(spec, last, now);
      if (!r || r.dueAt > now) break;
      viaNext.push(r);
      last = r.logicalDate;
    }
    expect(catchupIntervals(spec, null, now, 100)).toEqual(viaNext);
  });
  it('starts at startDate when it is a fire time, and stops at endDate (inclusive)', () => {
    const bounded = { ...spec, startDate: '2026-03-06T03:00:00', endDate: '2026-03-08T03:00:00' };
    expect(catchupIntervals(bounded, null, z('2026-03-20T00:00:00Z'), 100).map((r) => r.logicalDate.toISOString())).toEqual([
      '2026-03-06T08:00:00.000Z',
      '2026-03-07T08:00:00.000Z',
      '2026-03-08T07:00:00.000Z',
    ]);
    expect(nextScheduledRun(bounded, z('2026-03-08T07:00:00Z'), z('2026-03-20T00:00:00Z'))).toBeNull();
    const before = { ...bounded, endDate: '2026-03-08T00:00:00' };
    expect(catchupIntervals(before, null, z('2026-03-20T00:00:00Z'), 100)).toHaveLength(2);
  });
  it('jumps forward when startDate moves past the last run', () => {
    expect(show(nextScheduledRun({ ...spec, startDate: '2026-03-09T00:00:00' }, z('2026-03-06T08:00:00Z'), now))).toEqual([
      '2026-03-09T07:00:00.000Z',
      '2026-03-10T07:00:00.000Z',
    ]);
  });
  it('without a startDate, starts at the latest complete interval', () => {
    expect(shows(catchupIntervals({ ...spec, startDate: null }, null, now, 100))).toEqual([['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z']]);
  });
  it('runs both repeated hours of an hourly schedule at fall-back', () => {
    const hourly: ScheduleSpec = { schedule: '0 * * * *', timezone: 'America/New_York', startDate: '2026-11-01T00:00:00', endDate: null, catchup: true };
    expect(catchupIntervals(hourly, null, z('2026-11-01T08:00:00Z'), 100).map((r) => r.logicalDate.toISOString())).toEqual([
      '2026-11-01T04:00:00.000Z',
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T06:00:00.000Z',
      '2026-11-01T07:00:00.000Z',
    ]);
  });
  it('gives a daily 02:30 job a gap-shifted boundary in Chicago', () => {
    const chicago: ScheduleSpec = { schedule: '30 2 * * *', timezone: 'America/Chicago', startDate: '2024-03-09T00:00:00', endDate: null, catchup: true };
    expect(shows(catchupIntervals(chicago, null, z('2024-03-12T00:00:00Z'), 100))).toEqual([
      ['2024-03-09T08:30:00.000Z', '2024-03-10T08:00:00.000Z'],
      ['2024-03-10T08:00:00.000Z', '2024-03-11T07:30:00.000Z'],
    ]);
  });
});

describe('special schedules', () => {
  it('a DAG without a schedule has no scheduled runs', () => {
    expect(nextScheduledRun({ ...daily, schedule: null }, null, z('2026-03-10T00:00:00Z'))).toBeNull();
    expect(catchupIntervals({ ...daily, schedule: null }, null, z('2026-03-10T00:00:00Z'), 10)).toEqual([]);
  });
  it('@once runs once, at startDate, with an empty interval', () => {
    const once: ScheduleSpec = { schedule: '@once', timezone: 'Europe/Paris', startDate: '2026-05-01T09:00:00', endDate: null, catchup: false };
    const t = z('2026-05-01T07:00:00Z');
    expect(nextScheduledRun(once, null, z('2026-01-01T00:00:00Z'))).toEqual({ logicalDate: t, dataIntervalStart: t, dataIntervalEnd: t, dueAt: t });
    expect(catchupIntervals(once, null, z('2026-06-01T00:00:00Z'), 10)).toHaveLength(1);
    expect(nextScheduledRun(once, t, z('2026-06-01T00:00:00Z'))).toBeNull();
    expect(nextScheduledRun({ ...once, startDate: null }, null, z('2026-06-01T00:00:00Z'))).toBeNull();
    expect(nextScheduledRun({ ...once, endDate: '2026-04-01T00:00:00' }, null, z('2026-06-01T00:00:00Z'))).toBeNull();
  });
});

describe('manualRunInterval (Airflow infer_manual_data_interval)', () => {
  it('gives a cron DAG the latest complete interval ending at or before the logical date', () => {
    expect(manualRunInterval(daily, z('2026-03-10T12:00:00Z'))).toEqual({ start: z('2026-03-09T07:00:00Z'), end: z('2026-03-10T07:00:00Z') });
    expect(manualRunInterval(daily, z('2026-03-10T07:00:00Z'))).toEqual({ start: z('2026-03-09T07:00:00Z'), end: z('2026-03-10T07:00:00Z') });
    expect(manualRunInterval(daily, z('2026-03-08T07:30:00Z'))).toEqual({ start: z('2026-03-07T08:00:00Z'), end: z('2026-03-08T07:00:00Z') });
  });
  it('gives an unscheduled or @once DAG [logicalDate, logicalDate]', () => {
    const t = z('2026-03-10T12:34:56.789Z');
    expect(manualRunInterval({ ...daily, schedule: null }, t)).toEqual({ start: t, end: t });
    expect(manualRunInterval({ ...daily, schedule: '@once', startDate: '2026-01-01' }, t)).toEqual({ start: t, end: t });
  });
});

describe('intervalsBetween (backfill ranges)', () => {
  it('enumerates the intervals whose logical date is in [from, to], inclusive', () => {
    expect(shows(intervalsBetween(daily, z('2026-03-07T08:00:00Z'), z('2026-03-09T07:00:00Z'), 10))).toEqual([
      ['2026-03-07T08:00:00.000Z', '2026-03-08T07:00:00.000Z'],
      ['2026-03-08T07:00:00.000Z', '2026-03-09T07:00:00.000Z'],
      ['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z'],
    ]);
    expect(intervalsBetween(daily, z('2026-03-07T09:00:00Z'), z('2026-03-08T06:00:00Z'), 10)).toEqual([]);
  });
  it('is not narrowed by startDate or endDate, like Airflow backfills', () => {
    const bounded = { ...daily, startDate: '2026-06-01T00:00:00', endDate: '2026-06-02T00:00:00' };
    expect(intervalsBetween(bounded, z('2026-03-07T08:00:00Z'), z('2026-03-08T07:00:00Z'), 10)).toHaveLength(2);
  });
  it('exactly max intervals is fine; one more is an error', () => {
    expect(intervalsBetween(daily, z('2026-03-07T08:00:00Z'), z('2026-03-09T07:00:00Z'), 3)).toHaveLength(3);
    expect(() => intervalsBetween(daily, z('2026-03-07T08:00:00Z'), z('2026-03-09T07:00:00Z'), 2)).toThrow(/more than 2 runs/);
    expect(() => intervalsBetween(daily, z('2026-01-01T00:00:00Z'), z('2026-12-31T00:00:00Z'), 100)).toThrow(/more than 100 runs/);
  });
  it('rejects a reversed range and a DAG without a schedule', () => {
    expect(() => intervalsBetween(daily, z('2026-03-09T00:00:00Z'), z('2026-03-01T00:00:00Z'), 10)).toThrow(/must not be after/);
    expect(() => intervalsBetween({ ...daily, schedule: null }, z('2026-03-01T00:00:00Z'), z('2026-03-02T00:00:00Z'), 10)).toThrow(/without a schedule/);
  });
  it('gives @once its single run when startDate is in range', () => {
    const once = { ...daily, schedule: '@once', startDate: '2026-03-05T12:00:00' };
    expect(shows(intervalsBetween(once, z('2026-03-01T00:00:00Z'), z('2026-03-31T00:00:00Z'), 10))).toEqual([
      ['2026-03-05T17:00:00.000Z', '2026-03-05T17:00:00.000Z'],
    ]);
    expect(intervalsBetween(once, z('2026-04-01T00:00:00Z'), z('2026-04-30T00:00:00Z'), 10)).toEqual([]);
  });
});

describe('parseLocalDate', () => {
  it('reads a spec date as wall-clock time in the DAG zone', () => {
    expect(parseLocalDate('2026-01-01T00:00:00', 'America/New_York').toISOString()).toBe('2026-01-01T05:00:00.000Z');
    expect(parseLocalDate('2026-07-01', 'Europe/London').toISOString()).toBe('2026-06-30T23:00:00.000Z');
    expect(parseLocalDate('2026-01-01 06:30', 'UTC').toISOString()).toBe('2026-01-01T06:30:00.000Z');
  });
  it('honours an explicit offset or Z', () => {
    expect(parseLocalDate('2026-01-01T00:00:00Z', 'America/New_York').toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseLocalDate('2026-01-01T00:00:00+02:00', 'America/New_York').toISOString()).toBe('2025-12-31T22:00:00.000Z');
  });
  it('moves a time in the spring-forward gap to the end of the gap and takes the first of two fall-back readings', () => {
    expect(parseLocalDate('2024-03-10T02:30:00', 'America/Chicago').toISOString()).toBe('2024-03-10T08:00:00.000Z');
    expect(parseLocalDate('2024-11-03T01:30:00', 'America/Chicago').toISOString()).toBe('2024-11-03T06:30:00.000Z');
  });
  it.each(['yesterday', '10:00', 'T10:00:00', '2026-13-01', '2026-02-30T00:00:00', '2026', ''])('rejects %j with its path', (value) => {
    expect(() => parseLocalDate(value, 'UTC', 'endDate')).toThrow(/endDate ".*" is not an ISO date-time/);
  });
  it('rejects an unknown zone', () => {
    expect(() => parseLocalDate('2026-01-01', 'Nowhere/Land')).toThrow(/unknown time zone/);
  });
});

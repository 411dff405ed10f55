import { describe, expect, it } from '@jest/globals';
import { catchupIntervals, manualRunInterval, nextScheduledRun, parseLocalDate, type ScheduleSpec } from './intervals.js';

const z = (s: string) => new Date(s);
const daily: ScheduleSpec = { schedule: '0 3 * * *', timezone: 'America/New_York', startDate: null, endDate: null, catchup: false };
const show = (r: { logicalDate: Date; dueAt: Date } | null) => (r ? [r.logicalDate.toISOString(), r.dueAt.toISOString()] : null);

describe('data intervals (Airflow 2: a run for an interval starts when it ends)', () => {
  it('without catchup, proposes the latest complete interval', () => {
    expect(show(nextScheduledRun(daily, null, z('2026-03-10T12:00:00Z')))).toEqual(['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z']);
  });

  it('the interval of a run is [logicalDate, next fire) and spans the DST change', () => {
    const r = nextScheduledRun(daily, null, z('2026-03-08T12:00:00Z'))!;
    expect(r.dataIntervalStart.toISOString()).toBe('2026-03-07T08:00:00.000Z');
    expect(r.dataIntervalEnd.toISOString()).toBe('2026-03-08T07:00:00.000Z');
    expect(r.logicalDate).toEqual(r.dataIntervalStart);
    expect(r.dueAt).toEqual(r.dataIntervalEnd);
  });

  it('after a run, proposes the following interval even if it is not due yet', () => {
    expect(show(nextScheduledRun(daily, z('2026-03-09T07:00:00Z'), z('2026-03-10T12:00:00Z')))).toEqual(['2026-03-10T07:00:00.000Z', '2026-03-11T07:00:00.000Z']);
  });

  it('without catchup, skips missed intervals after downtime', () => {
    expect(show(nextScheduledRun(daily, z('2026-03-01T08:00:00Z'), z('2026-03-10T12:00:00Z')))).toEqual(['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z']);
  });

  it('with catchup, enumerates every missed interval from startDate, in order', () => {
    const spec = { ...daily, catchup: true, startDate: '2026-03-06T00:00:00' };
    expect(catchupIntervals(spec, null, z('2026-03-10T12:00:00Z'), 100).map(show)).toEqual([
      ['2026-03-06T08:00:00.000Z', '2026-03-07T08:00:00.000Z'],
      ['2026-03-07T08:00:00.000Z', '2026-03-08T07:00:00.000Z'],
      ['2026-03-08T07:00:00.000Z', '2026-03-09T07:00:00.000Z'],
      ['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z'],
    ]);
    expect(catchupIntervals(spec, null, z('2026-03-10T12:00:00Z'), 2)).toHaveLength(2);
    expect(catchupIntervals(spec, z('2026-03-08T07:00:00Z'), z('2026-03-10T12:00:00Z'), 100).map(show)[0]).toEqual(['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z']);
  });

  it('starts at startDate when it is a fire time, and respects endDate', () => {
    const spec = { ...daily, catchup: true, startDate: '2026-03-06T03:00:00', endDate: '2026-03-08T00:00:00' };
    expect(catchupIntervals(spec, null, z('2026-03-20T00:00:00Z'), 100).map((r) => r.logicalDate.toISOString())).toEqual(['2026-03-06T08:00:00.000Z', '2026-03-07T08:00:00.000Z']);
  });

  it('an hourly catch-up runs both repeated hours at fall-back', () => {
    const hourly = { schedule: '0 * * * *', timezone: 'America/New_York', startDate: '2026-11-01T00:00:00', endDate: null, catchup: true };
    expect(catchupIntervals(hourly, null, z('2026-11-01T08:00:00Z'), 100).map((r) => r.logicalDate.toISOString())).toEqual([
      '2026-11-01T04:00:00.000Z',
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T06:00:00.000Z',
      '2026-11-01T07:00:00.000Z',
    ]);
  });

  it('a future startDate proposes its first interval, not yet due', () => {
    const spec = { ...daily, startDate: '2027-01-01T00:00:00' };
    const r = nextScheduledRun(spec, null, z('2026-06-01T00:00:00Z'))!;
    expect(show(r)).toEqual(['2027-01-01T08:00:00.000Z', '2027-01-02T08:00:00.000Z']);
    expect(catchupIntervals(spec, null, z('2026-06-01T00:00:00Z'), 10)).toEqual([]);
  });

  it('a DAG without a schedule has no scheduled runs', () => {
    expect(nextScheduledRun({ ...daily, schedule: null }, null, z('2026-03-10T00:00:00Z'))).toBeNull();
  });

  it('a manual run gets the latest complete interval before its logical date', () => {
    const i = manualRunInterval(daily, z('2026-03-10T12:00:00Z'));
    expect([i.start.toISOString(), i.end.toISOString()]).toEqual(['2026-03-09T07:00:00.000Z', '2026-03-10T07:00:00.000Z']);
    const t = z('2026-03-10T12:00:00Z');
    expect(manualRunInterval({ ...daily, schedule: null }, t)).toEqual({ start: t, end: t });
  });

  it('parses spec dates as wall-clock time in the DAG zone', () => {
    expect(parseLocalDate('2026-01-01T00:00:00', 'America/New_York').toISOString()).toBe('2026-01-01T05:00:00.000Z');
    expect(parseLocalDate('2026-07-01', 'Europe/London').toISOString()).toBe('2026-06-30T23:00:00.000Z');
    expect(() => parseLocalDate('yesterday', 'UTC')).toThrow(/not an ISO date-time/);
  });
});

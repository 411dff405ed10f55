import { describe, expect, it } from '@jest/globals';
import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import { compileCron, nextFireTimes, prevFireAtOrBefore, prevFireBefore } from './cron.js';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function field(rand: () => number, min: number, max: number): string {
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const kind = rand();
  if (kind < 0.3) return '*';
  if (kind < 0.45) return `*/${int(2, Math.max(2, Math.floor((max - min) / 2)))}`;
  if (kind < 0.65) return String(int(min, max));
  if (kind < 0.8) {
    const a = int(min, max);
    return `${a}-${int(a, max)}`;
  }
  if (kind < 0.9) {
    const a = int(min, max);
    return `${a}-${int(a, max)}/${int(1, 5)}`;
  }
  return [...new Set([int(min, max), int(min, max), int(min, max)])].sort((x, y) => x - y).join(',');
}

function randomCron(rand: () => number): string {
  return [field(rand, 0, 59), field(rand, 0, 23), field(rand, 1, 28), field(rand, 1, 12), field(rand, 0, 6)].join(' ');
}

const CRONS = (() => {
  const rand = rng(20240310);
  const out = ['0 0 31 * *', '0 0 29 2 *', '30 2 * * *', '0 0 1 * 1', '*/7 */5 */3 * *', '59 23 31 12 *'];
  while (out.length < 120) out.push(randomCron(rand));
  return out;
})();

describe('fire times agree with cron-parser where there is no DST', () => {
  it.each(CRONS.map((c) => [c]))('%s in UTC', (cron) => {
    const start = new Date('2023-12-30T17:17:00Z');
    const lib = CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: start });
    const expected = Array.from({ length: 25 }, () => lib.next().toDate().toISOString());
    expect(nextFireTimes(cron, 'UTC', start, 25).map((d) => d.toISOString())).toEqual(expected);
  });

  it.each(CRONS.slice(0, 40).map((c) => [c]))('%s in Asia/Kolkata (+05:30, no DST)', (cron) => {
    const start = new Date('2025-06-01T00:00:00Z');
    const lib = CronExpressionParser.parse(cron, { tz: 'Asia/Kolkata', currentDate: start });
    const expected = Array.from({ length: 15 }, () => lib.next().toDate().toISOString());
    expect(nextFireTimes(cron, 'Asia/Kolkata', start, 15).map((d) => d.toISOString())).toEqual(expected);
  });
});

const DST_CASES: Array<[string, string]> = [
  ['America/Chicago', '2024-03-09T00:00:00Z'],
  ['America/Chicago', '2024-11-02T00:00:00Z'],
  ['Europe/London', '2024-03-30T00:00:00Z'],
  ['Europe/London', '2024-10-26T00:00:00Z'],
  ['Australia/Lord_Howe', '2024-04-05T00:00:00Z'],
  ['Australia/Lord_Howe', '2024-10-04T00:00:00Z'],
  ['America/Santiago', '2024-04-05T00:00:00Z'],
  ['America/Santiago', '2024-09-06T00:00:00Z'],
];

const HOURLY_CRONS = ['0 * * * *', '30 * * * *', '*/20 * * * *', '15 */2 * * *', '45 1-23/2 * * *'];
const DAILY_CRONS = ['30 2 * * *', '0 1 * * *', '0 0 * * *', '30 23 * * *', '0 3 * * *', '0,30 1,2 * * *'];

describe('invariants across DST changes', () => {
  for (const [tz, from] of DST_CASES) {
    for (const cron of [...HOURLY_CRONS, ...DAILY_CRONS]) {
      it(`${cron} in ${tz} from ${from}: increasing, on the schedule, consistent with prev`, () => {
        const c = compileCron(cron, tz);
        const fires = nextFireTimes(cron, tz, new Date(from), 72);
        for (let i = 1; i < fires.length; i++) expect(fires[i].getTime()).toBeGreaterThan(fires[i - 1].getTime());
        for (let i = 0; i < fires.length; i++) {
          const local = DateTime.fromJSDate(fires[i], { zone: tz });
          const onSchedule = c.minutes.includes(local.minute) && c.hours.includes(local.hour);
          // Off-schedule only where a gap moved a fire time: at a transition instant.
          if (!onSchedule) expect(local.offset).not.toBe(DateTime.fromMillis(fires[i].getTime() - 1, { zone: tz }).offset);
          expect(prevFireAtOrBefore(cron, tz, fires[i])?.getTime()).toBe(fires[i].getTime());
          if (i > 0) expect(prevFireBefore(cron, tz, fires[i])?.getTime()).toBe(fires[i - 1].getTime());
        }
      });
    }
  }

  it('a daily job fires exactly once per local day, every day, across all changes', () => {
    for (const [tz, from] of DST_CASES) {
      for (const cron of ['30 2 * * *', '0 1 * * *', '0 0 * * *']) {
        const fires = nextFireTimes(cron, tz, new Date(from), 6);
        const days = fires.map((d) => DateTime.fromJSDate(d, { zone: tz }).toISODate());
        expect(new Set(days).size).toBe(6);
      }
    }
  });

  it('an hourly job fires once per elapsed hour through a fall-back and skips only the missing hour in spring', () => {
    const fall = nextFireTimes('0 * * * *', 'America/Chicago', new Date('2024-11-02T23:59:00Z'), 30);
    const gaps = fall.slice(1).map((d, i) => (d.getTime() - fall[i].getTime()) / 3_600_000);
    expect(gaps.every((g) => g === 1)).toBe(true);
    const spring = nextFireTimes('0 * * * *', 'America/Chicago', new Date('2024-03-09T23:59:00Z'), 30);
    const hoursInDay = spring.filter((d) => DateTime.fromJSDate(d, { zone: 'America/Chicago' }).toISODate() === '2024-03-10');
    expect(hoursInDay).toHaveLength(23);
  });
});

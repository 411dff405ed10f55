import { describe, expect, it } from '@jest/globals';
import { describeNextRun, formatInZone } from './zone';

describe('formatInZone', () => {
  it('shows an instant in the given zone with its abbreviation', () => {
    expect(formatInZone('2026-12-07T08:00:00.000Z', 'America/New_York')).toBe('2026-12-07 03:00:00 EST');
    expect(formatInZone('2026-12-07T08:00:00.000Z', 'UTC')).toBe('2026-12-07 08:00:00 UTC');
  });

  it('follows the DST change: the same wall time is a different UTC hour on either side', () => {
    expect(formatInZone('2026-03-07T08:00:00.000Z', 'America/New_York')).toBe('2026-03-07 03:00:00 EST');
    expect(formatInZone('2026-03-08T07:00:00.000Z', 'America/New_York')).toBe('2026-03-08 03:00:00 EDT');
  });
});

describe('describeNextRun', () => {
  it('for 0 3 * * * New York seen at 15:03 UTC on 2026-12-06, says the run starts 2026-12-07 03:00 New York time', () => {
    // What the API reports then: the next interval starts 2026-12-06 03:00 EST and is due at its end.
    const next = describeNextRun('2026-12-06T08:00:00.000Z', '2026-12-07T08:00:00.000Z', 'America/New_York');
    expect(next).toEqual({
      startsAt: '2026-12-07 03:00:00 EST',
      intervalStart: '2026-12-06 03:00:00 EST',
      intervalEnd: '2026-12-07 03:00:00 EST',
    });
  });

  it('across the spring-forward night the start is 03:00 EDT, 23 hours after the interval start', () => {
    const next = describeNextRun('2026-03-07T08:00:00.000Z', '2026-03-08T07:00:00.000Z', 'America/New_York');
    expect(next?.startsAt).toBe('2026-03-08 03:00:00 EDT');
    expect(next?.intervalStart).toBe('2026-03-07 03:00:00 EST');
  });

  it('has nothing to say when the API has no next run', () => {
    expect(describeNextRun(null, null, 'UTC')).toBeNull();
  });
});

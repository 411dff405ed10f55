import type { IANAZone } from 'luxon';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * Wall-clock arithmetic on "naive" epoch milliseconds: a local date-time written as if it were
 * UTC. Calendar maths (days, months, weekdays) on naive values is plain UTC maths, so only the
 * mapping between naive values and instants needs the zone.
 */
export function naiveOf(zone: IANAZone, instantMs: number): number {
  return instantMs + zone.offset(instantMs) * MINUTE_MS;
}

export type WallTimeResolution =
  /** The wall time exists once. */
  | { kind: 'single'; instant: number }
  /** Fall-back: the wall time exists twice; `first` < `second`. */
  | { kind: 'fold'; first: number; second: number }
  /** Spring-forward: the wall time does not exist; `instant` is the first valid instant after the gap. */
  | { kind: 'gap'; instant: number };

/**
 * A resolver for the wall times of one naive day. Wall times map to instants within [-14h, +12h]
 * of their naive value, so the offsets at the ends of that window are the day's "before" and
 * "after" offsets; when they differ, the transition between them is located once (zones change
 * offset at most once a day) and every wall time of the day is then plain arithmetic.
 */
export function dayWallTimeResolver(zone: IANAZone, dayNaive: number): (naive: number) => WallTimeResolution {
  const early = dayNaive - 15 * HOUR_MS;
  const late = dayNaive + DAY_MS + 13 * HOUR_MS;
  const before = zone.offset(early);
  const after = zone.offset(late);
  if (before === after) return (naive) => ({ kind: 'single', instant: naive - before * MINUTE_MS });
  const transition = transitionInstant(zone, early, late);
  return (naive) => {
    // A reading with the earlier offset is real before the transition, one with the later offset after it.
    const withBefore = naive - before * MINUTE_MS;
    const withAfter = naive - after * MINUTE_MS;
    const beforeValid = withBefore < transition;
    const afterValid = withAfter >= transition;
    if (beforeValid && afterValid) return { kind: 'fold', first: Math.min(withBefore, withAfter), second: Math.max(withBefore, withAfter) };
    if (beforeValid) return { kind: 'single', instant: withBefore };
    if (afterValid) return { kind: 'single', instant: withAfter };
    return { kind: 'gap', instant: transition };
  };
}

/** Maps a wall-clock time to the instants that read as it. */
export function resolveWallTime(zone: IANAZone, naive: number): WallTimeResolution {
  return dayWallTimeResolver(zone, Math.floor(naive / DAY_MS) * DAY_MS)(naive);
}

/** The first instant carrying the later offset, between two instants with different offsets. */
function transitionInstant(zone: IANAZone, lo: number, hi: number): number {
  const offsetLo = zone.offset(lo);
  // Transitions fall on whole minutes; bisect on the minute grid.
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / MINUTE_MS / 2) * MINUTE_MS;
    if (zone.offset(mid) === offsetLo) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** A spec date-time (wall clock in the zone) as an instant: the first occurrence at fall-back, the end of the gap at spring-forward. */
export function wallTimeToInstant(zone: IANAZone, naive: number): number {
  const r = resolveWallTime(zone, naive);
  return r.kind === 'fold' ? r.first : r.instant;
}

import { describe, expect, it } from '@jest/globals';
import { fairPriority, INTERACTIVE_DEPTH, laneOf } from './fair-priority.js';

describe('fairPriority (BullMQ priority, 1 = first)', () => {
  it('orders by position in the tenant backlog, so tenants interleave', () => {
    const flooderThousandth = fairPriority({ tenantDepth: 999, backfill: false, repoke: false });
    const neighbourFirst = fairPriority({ tenantDepth: 0, backfill: false, repoke: false });
    expect(neighbourFirst).toBe(1);
    expect(neighbourFirst).toBeLessThan(flooderThousandth);
    expect(fairPriority({ tenantDepth: 3, backfill: false, repoke: false })).toBe(4);
  });
  it('puts backfills after every regular task and re-pokes after everything', () => {
    const deepRegular = fairPriority({ tenantDepth: 10_000_000, backfill: false, repoke: false });
    const shallowBackfill = fairPriority({ tenantDepth: 0, backfill: true, repoke: false });
    const deepBackfill = fairPriority({ tenantDepth: 10_000_000, backfill: true, repoke: false });
    const repoke = fairPriority({ tenantDepth: 0, backfill: true, repoke: true });
    expect(deepRegular).toBeLessThan(shallowBackfill);
    expect(deepBackfill).toBeLessThan(repoke);
  });
  it('stays within BullMQ’s priority range and ignores negative depths', () => {
    expect(fairPriority({ tenantDepth: -5, backfill: false, repoke: false })).toBe(1);
    expect(fairPriority({ tenantDepth: Number.MAX_SAFE_INTEGER, backfill: true, repoke: true })).toBeLessThanOrEqual(2_097_152);
  });
});

describe('laneOf', () => {
  it('keeps tenants with a backlog of at most INTERACTIVE_DEPTH tasks interactive and sends deeper backlogs to bulk', () => {
    expect(laneOf({ backlog: 0, backfill: false })).toBe('interactive');
    expect(laneOf({ backlog: INTERACTIVE_DEPTH, backfill: false })).toBe('interactive');
    expect(laneOf({ backlog: INTERACTIVE_DEPTH + 1, backfill: false })).toBe('bulk');
    expect(laneOf({ backlog: 50_000, backfill: false })).toBe('bulk');
  });
  it('sends backfills to bulk whatever the backlog', () => {
    expect(laneOf({ backlog: 0, backfill: true })).toBe('bulk');
  });
});

import { describe, expect, it } from '@jest/globals';
import { isFiltered, NO_RUN_FILTER, runFilterError, runFilterVariables } from './run-filter-model';

describe('run filters → dagRuns arguments', () => {
  it('no filter: every argument null', () => {
    expect(runFilterVariables(NO_RUN_FILTER)).toEqual({ state: null, runType: null, logicalDateFrom: null, logicalDateTo: null });
    expect(isFiltered(NO_RUN_FILTER)).toBe(false);
  });

  it('a day range covers both days whole, in UTC ([from 00:00, the day after to 00:00))', () => {
    const v = runFilterVariables({ state: 'failed', runType: 'backfill', from: '2026-03-07', to: '2026-03-08' });
    expect(v).toEqual({ state: 'failed', runType: 'backfill', logicalDateFrom: '2026-03-07T00:00:00.000Z', logicalDateTo: '2026-03-09T00:00:00.000Z' });
    expect(runFilterError({ ...NO_RUN_FILTER, from: '2026-03-07', to: '2026-03-07' })).toBeNull();
    expect(runFilterVariables({ ...NO_RUN_FILTER, from: '2026-12-31', to: '2026-12-31' }).logicalDateTo).toBe('2027-01-01T00:00:00.000Z');
  });

  it('one-sided ranges, and a reversed range said, not sent', () => {
    expect(runFilterVariables({ ...NO_RUN_FILTER, to: '2026-01-01' })).toMatchObject({ logicalDateFrom: null, logicalDateTo: '2026-01-02T00:00:00.000Z' });
    expect(runFilterVariables({ ...NO_RUN_FILTER, from: '2026-01-01' })).toMatchObject({ logicalDateFrom: '2026-01-01T00:00:00.000Z', logicalDateTo: null });
    const reversed = { ...NO_RUN_FILTER, runType: 'manual' as const, from: '2026-01-05', to: '2026-01-01' };
    expect(runFilterError(reversed)).toMatch(/after/);
    expect(runFilterVariables(reversed)).toEqual({ state: null, runType: 'manual', logicalDateFrom: null, logicalDateTo: null });
    expect(runFilterVariables({ ...NO_RUN_FILTER, from: 'yesterday' }).logicalDateFrom).toBeNull();
  });
});

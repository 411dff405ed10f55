import { DEFAULT_RETENTION_POLICY, retentionCutoffs, retentionPolicyErrors } from './retention-policy.js';

describe('retention policy', () => {
  it('defaults to 90 days of runs and 30 of logs, which is valid', () => {
    expect(DEFAULT_RETENTION_POLICY).toEqual({ runRetentionDays: 90, logRetentionDays: 30 });
    expect(retentionPolicyErrors(DEFAULT_RETENTION_POLICY)).toEqual([]);
    expect(retentionPolicyErrors({ runRetentionDays: 1, logRetentionDays: 1 })).toEqual([]);
    expect(retentionPolicyErrors({ runRetentionDays: 3650, logRetentionDays: 3650 })).toEqual([]);
  });

  it('rejects days that are not whole, below 1 or above ten years, naming the field', () => {
    expect(retentionPolicyErrors({ runRetentionDays: 0, logRetentionDays: 1.5 })).toEqual([
      { path: 'runRetentionDays', message: 'runRetentionDays must be a whole number of days from 1 to 3650' },
      { path: 'logRetentionDays', message: 'logRetentionDays must be a whole number of days from 1 to 3650' },
    ]);
    expect(retentionPolicyErrors({ runRetentionDays: 3651, logRetentionDays: 30 })).toEqual([
      { path: 'runRetentionDays', message: 'runRetentionDays must be a whole number of days from 1 to 3650' },
    ]);
  });

  it('rejects logs kept longer than their runs', () => {
    expect(retentionPolicyErrors({ runRetentionDays: 7, logRetentionDays: 30 })).toEqual([
      { path: 'logRetentionDays', message: "logRetentionDays (30) must not exceed runRetentionDays (7): a run's logs are deleted with it" },
    ]);
  });

  it('cuts off at whole days before now', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    expect(retentionCutoffs({ runRetentionDays: 90, logRetentionDays: 30 }, now)).toEqual({
      runsEndedBefore: new Date('2026-03-03T12:00:00Z'),
      logsEndedBefore: new Date('2026-05-02T12:00:00Z'),
    });
  });
});

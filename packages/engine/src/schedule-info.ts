import { nextScheduledRun, type DagSpec, type ScheduledRunInfo } from '@tower/core';

/** The next scheduled run a DAG should get after `lastLogicalDate`, from its spec. */
export function nextRunFor(spec: DagSpec, lastLogicalDate: Date | null, now: Date): ScheduledRunInfo | null {
  return nextScheduledRun(
    {
      schedule: spec.schedule,
      timezone: spec.timezone,
      startDate: spec.startDate,
      endDate: spec.endDate,
      catchup: spec.catchup,
    },
    lastLogicalDate,
    now,
  );
}

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

/** The params a run gets without a caller: each declared param's default. */
export function defaultParams(spec: DagSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(spec.params ?? {})) if (p.default !== undefined) out[name] = p.default;
  return out;
}

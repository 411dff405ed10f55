import { describe, expect, it } from '@jest/globals';
import * as core from './index.js';

describe('@tower/core public API', () => {
  it('exports what the other packages build on', () => {
    const required = [
      'TowerError',
      'ERROR_CODES',
      'badInput',
      'notFound',
      'isTowerError',
      'validateDagSpec',
      'TASK_TYPES',
      'parseDagSpecText',
      'canonicalSpecJson',
      'specHash',
      'upstreamOf',
      'downstreamOf',
      'leafTaskIds',
      'rootTaskIds',
      'topologicalOrder',
      'validateParams',
      'parseSchedule',
      'nextFireTimes',
      'nextFireAfter',
      'prevFireAtOrBefore',
      'nextScheduledRun',
      'catchupIntervals',
      'manualRunInterval',
      'intervalsBetween',
      'TASK_STATES',
      'RUN_STATES',
      'FINISHED_TASK_STATES',
      'isFinished',
      'transition',
      'decideRunState',
      'TRIGGER_RULES',
      'evaluateTriggerRule',
      'retryDelaySeconds',
      'nextRetryAt',
      'renderTemplate',
      'renderTemplates',
      'buildTemplateContext',
      'templateReferences',
    ];
    const exported = core as Record<string, unknown>;
    expect(required.filter((name) => exported[name] === undefined)).toEqual([]);
  });

  it('has the documented constants', () => {
    expect(core.TASK_STATES).toHaveLength(13);
    expect(core.TRIGGER_RULES).toHaveLength(13);
    expect(core.FINISHED_TASK_STATES).toEqual(['success', 'failed', 'skipped', 'upstream_failed', 'removed']);
    expect(core.DEFAULT_LIMITS).toEqual({ maxTasks: 5000, maxSpecBytes: 2_097_152 });
  });
});

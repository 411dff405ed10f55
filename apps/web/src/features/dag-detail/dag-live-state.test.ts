import { describe, expect, it } from '@jest/globals';
import type { DagRun, DagRunWithTasks, TaskInstance } from '@/lib/graphql/operations';
import { dagLiveReducer, initialDagLiveState, sortedRuns, taskColumns } from './dag-live-state';

const run = (id: string, over: Partial<DagRun> = {}): DagRun => ({
  id,
  dagId: 'd',
  runId: `manual__${id}`,
  runType: 'manual',
  state: 'running',
  logicalDate: `2026-01-0${id}T00:00:00.000Z`,
  dataIntervalStart: '2026-01-01T00:00:00.000Z',
  dataIntervalEnd: '2026-01-01T00:00:00.000Z',
  queuedAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  endedAt: null,
  dagVersion: 1,
  ...over,
});

const ti = (runId: string, taskId: string, state: TaskInstance['state']): TaskInstance => ({
  id: `${runId}-${taskId}`,
  dagRunId: runId,
  dagId: 'd',
  taskId,
  operator: 'noop',
  state,
  tryNumber: 1,
  maxTries: 1,
  queuedAt: null,
  startedAt: null,
  endedAt: null,
  nextAttemptAt: null,
});

const withTasks = (r: DagRun, tis: TaskInstance[]): DagRunWithTasks => ({ ...r, taskInstances: tis });

describe('dagLiveReducer', () => {
  it('applies a snapshot, then an event that moves a task on', () => {
    let s = dagLiveReducer(initialDagLiveState, { type: 'runs-snapshot', runs: [withTasks(run('1'), [ti('1', 'a', 'queued')])], sinceSeq: 0, replace: true });
    s = dagLiveReducer(s, { type: 'ti-event', ti: ti('1', 'a', 'running'), seq: 1 });
    expect(s.tis['1'].a.state).toBe('running');
  });

  it('keeps an event that arrived while an older snapshot was in flight', () => {
    let s = dagLiveReducer(initialDagLiveState, { type: 'ti-event', ti: ti('1', 'a', 'success'), seq: 5 });
    s = dagLiveReducer(s, { type: 'run-snapshot', run: withTasks(run('1'), [ti('1', 'a', 'running'), ti('1', 'b', 'queued')]), sinceSeq: 4 });
    expect(s.tis['1'].a.state).toBe('success');
    expect(s.tis['1'].b.state).toBe('queued');
  });

  it('lets a snapshot sent after the event overwrite it', () => {
    let s = dagLiveReducer(initialDagLiveState, { type: 'ti-event', ti: ti('1', 'a', 'running'), seq: 5 });
    s = dagLiveReducer(s, { type: 'run-snapshot', run: withTasks(run('1'), [ti('1', 'a', 'success')]), sinceSeq: 5 });
    expect(s.tis['1'].a.state).toBe('success');
  });

  it('a replacing snapshot drops runs it no longer lists but keeps runs created by newer events', () => {
    let s = dagLiveReducer(initialDagLiveState, { type: 'runs-snapshot', runs: [withTasks(run('1'), [])], sinceSeq: 0, replace: true });
    s = dagLiveReducer(s, { type: 'run-event', run: run('3'), seq: 2 });
    s = dagLiveReducer(s, { type: 'runs-snapshot', runs: [withTasks(run('2'), [])], sinceSeq: 1, replace: true });
    expect(Object.keys(s.runs).sort()).toEqual(['2', '3']);
  });

  it('orders runs newest first and adds task ids that only older runs have', () => {
    let s = dagLiveReducer(initialDagLiveState, {
      type: 'runs-snapshot',
      runs: [withTasks(run('1'), [ti('1', 'old', 'success')]), withTasks(run('2'), [])],
      sinceSeq: 0,
      replace: true,
    });
    s = dagLiveReducer(s, { type: 'run-event', run: run('2', { state: 'success' }), seq: 1 });
    expect(sortedRuns(s).map((r) => r.id)).toEqual(['2', '1']);
    expect(sortedRuns(s)[0].state).toBe('success');
    expect(taskColumns(['a', 'b'], s)).toEqual(['a', 'b', 'old']);
  });
});

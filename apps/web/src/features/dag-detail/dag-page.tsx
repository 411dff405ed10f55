'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { ErrorBanner } from '@/components/error-banner';
import { Spinner } from '@/components/spinner';
import { humanizeState } from '@/lib/format';
import type { DagRun } from '@/lib/graphql/operations';
import { isActiveState, TASK_STATE_LEGEND } from '@/lib/states';
import { useNow } from '@/lib/use-now';
import { DagZone } from '@/lib/time/time-setting';
import { BackfillButton } from '../actions/backfill-button';
import { TaskInstanceView } from '../task-instance/task-instance-view';
import { NextRun } from './next-run';
import { RunFilter } from './run-filter';
import { isFiltered, NO_RUN_FILTER, runFilterVariables, type RunFilterValue } from './run-filter-model';
import { PauseToggle, TriggerButton } from '../dags/dag-actions';
import { DropSampleFileButton } from '../demo/drop-file-button';
import { RunGrid } from './run-grid';
import { TaskInstancePanel } from './task-instance-panel';
import { useDagLive } from './use-dag-live';

/**
 * The views under the run (graph, Gantt, schedule, spec versions) are below the first screen: their
 * code (dagre, the diff) loads apart and they render once the grid has its runs, so the grid's
 * first paint does not wait for a graph layout.
 */
const DagViews = dynamic(() => import('../dag-views/dag-views').then((m) => m.DagViews), {
  ssr: false,
  loading: () => (
    <div className="panel panel-empty">
      <Spinner label="Loading views…" />
    </div>
  ),
});

export function DagPage({ dagId }: { dagId: string }) {
  const [runFilter, setRunFilter] = useState<RunFilterValue>(NO_RUN_FILTER);
  const { state: fState, runType: fType, logicalDateFrom: fFrom, logicalDateTo: fTo } = runFilterVariables(runFilter);
  const filterVariables = useMemo(() => ({ state: fState, runType: fType, logicalDateFrom: fFrom, logicalDateTo: fTo }), [fState, fType, fFrom, fTo]);
  const live = useDagLive(dagId, filterVariables);
  const { dag, dagError, columns, taskInstances } = live;

  // Selection follows the newest run until the user picks one (a ?run= link counts as a pick).
  // (Rendered only on the client, after the session check, so reading the URL here is safe.)
  const [pickedRunId, setPickedRunId] = useState<string | null>(() =>
    typeof window === 'undefined' ? null : new URLSearchParams(window.location.search).get('run'),
  );
  const [selectedTaskId, setSelectedTaskId] = useState<string | null>(null);
  const selectedRun = (pickedRunId ? live.runById[pickedRunId] : null) ?? live.newestRun;

  const anyActive = useMemo(() => Object.values(live.runById).some((run) => isActiveState(run.state)), [live.runById]);
  const now = useNow(1_000, anyActive);

  function select(runId: string, taskId?: string) {
    setPickedRunId(runId);
    if (taskId !== undefined) setSelectedTaskId(taskId);
  }

  function onTriggered(run: DagRun) {
    live.applyRun(run);
    setPickedRunId(run.id);
  }

  if (dagError?.code === 'NOT_FOUND') {
    return (
      <main className="page">
        <div className="panel panel-empty" data-testid="dag-not-found">
          <h2>DAG not found</h2>
          <p>
            Your organisation has no DAG <code>{dagId}</code>.
          </p>
          <Link href="/" className="btn">
            Back to DAGs
          </Link>
        </div>
      </main>
    );
  }

  const selectedTi = selectedRun && selectedTaskId ? (taskInstances[selectedRun.id]?.[selectedTaskId] ?? null) : null;
  const taskSpec = selectedTaskId ? specTask(dag?.spec, selectedTaskId) : null;

  return (
    <DagZone zone={dag?.timezone}>
      <main className="page" data-testid="dag-page">
        <nav className="breadcrumb" aria-label="Breadcrumb">
          <Link href="/">DAGs</Link>
          <span aria-hidden>/</span>
          <span>{dagId}</span>
        </nav>

        <section className="dag-head" data-testid="dag-header">
          <div className="dag-head-main">
            <h1>
              {dagId}
              {dag?.paused ? <span className="badge badge-paused">paused</span> : null}
            </h1>
            {dag?.description ? <p className="page-sub">{dag.description}</p> : null}
            {dag ? (
              <dl className="facts facts-inline">
                <div>
                  <dt>Schedule</dt>
                  <dd>{dag.schedule ? <code className="cron">{dag.schedule}</code> : <span className="muted">manual only</span>}</dd>
                </div>
                <div>
                  <dt>Time zone</dt>
                  <dd>{dag.timezone}</dd>
                </div>
                <div>
                  <dt>Next run</dt>
                  <dd data-testid="next-run">{dag.paused ? <span className="muted">paused</span> : <NextRun dag={dag} now={now} />}</dd>
                </div>
                <div>
                  <dt>Version</dt>
                  <dd>v{dag.latestVersion}</dd>
                </div>
                <div>
                  <dt>Tasks</dt>
                  <dd>{dag.taskIds.length}</dd>
                </div>
                {dag.tags.length ? (
                  <div>
                    <dt>Tags</dt>
                    <dd className="tags">
                      {dag.tags.map((tag) => (
                        <span key={tag} className="tag">
                          {tag}
                        </span>
                      ))}
                    </dd>
                  </div>
                ) : null}
              </dl>
            ) : null}
          </div>
          <div className="dag-head-actions">
            {dag ? <PauseToggle dag={dag} onChanged={live.patchDag} /> : null}
            <TriggerButton dagId={dagId} onTriggered={onTriggered} size="md" />
            {dag ? <BackfillButton dag={dag} onDone={live.reload} /> : null}
            <DropSampleFileButton dagId={dagId} />
          </div>
        </section>

        {dagError ? <ErrorBanner error={dagError} onRetry={live.reload} /> : null}
        {live.runsError && !dagError ? <ErrorBanner error={live.runsError} onRetry={live.reload} testId="runs-error" /> : null}

        <div className="dag-body">
          <section className="panel grid-panel">
            <header className="panel-head">
              <h2>Runs</h2>
              <span className="muted small">{live.runsLoaded ? `${live.totalRuns} · ` : ''}newest first</span>
              <RunFilter value={runFilter} onChange={setRunFilter} />
            </header>
            {!live.runsLoaded ? (
              <div className="panel-empty">
                <Spinner label="Loading runs…" />
              </div>
            ) : live.totalRuns === 0 ? (
              <div className="panel-empty" data-testid="no-runs">
                <p>
                  {live.runsError
                    ? 'Runs cannot be shown until the API answers.'
                    : isFiltered(runFilter)
                      ? 'No runs match these filters.'
                      : 'No runs yet. Trigger one, or wait for the schedule.'}
                </p>
              </div>
            ) : (
              <RunGrid
                total={live.totalRuns}
                runAt={live.runAt}
                ensureRows={live.ensureRows}
                columns={columns}
                taskInstances={taskInstances}
                selectedRunId={selectedRun?.id ?? null}
                selectedTaskId={selectedTaskId}
                now={now}
                onSelect={select}
              />
            )}
            <footer className="legend" aria-label="Task state colours">
              {TASK_STATE_LEGEND.map((state) => (
                <span key={state} className="legend-item">
                  <span className="legend-swatch state-fill" data-state={state} />
                  {humanizeState(state)}
                </span>
              ))}
            </footer>
          </section>

          {selectedRun ? (
            <TaskInstancePanel
              run={selectedRun}
              columns={columns}
              taskInstances={taskInstances[selectedRun.id] ?? {}}
              selectedTaskId={selectedTaskId}
              now={now}
              onSelectTask={setSelectedTaskId}
              onChanged={live.reload}
            />
          ) : null}
        </div>
        {dag && live.runsLoaded ? (
          <DagViews
            dag={dag}
            columns={columns}
            taskInstances={selectedRun ? (taskInstances[selectedRun.id] ?? {}) : {}}
            selectedTaskId={selectedTaskId}
            now={now}
            onSelectTask={setSelectedTaskId}
          />
        ) : null}
        {selectedRun && selectedTi ? (
          <TaskInstanceView key={selectedTi.id} run={selectedRun} ti={selectedTi} taskSpec={taskSpec} now={now} onChanged={live.reload} />
        ) : null}
      </main>
    </DagZone>
  );
}

/** The task's declaration in the DAG's current spec. */
function specTask(spec: unknown, taskId: string): unknown {
  const tasks = (spec as { tasks?: { taskId?: string }[] } | null)?.tasks;
  return Array.isArray(tasks) ? (tasks.find((t) => t?.taskId === taskId) ?? null) : null;
}

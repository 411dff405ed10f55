'use client';

import { useState } from 'react';
import { TabList } from '@/components/tab-list';
import type { DagDetail, TaskInstance } from '@/lib/graphql/operations';
import { DagGraph } from './dag-graph';
import { RunGantt } from './run-gantt';
import { SchedulePanel } from './schedule-panel';
import { SpecVersions } from './spec-versions';

type View = 'graph' | 'gantt' | 'schedule' | 'versions';
const LABEL: Record<View, string> = { graph: 'Graph', gantt: 'Gantt', schedule: 'Schedule', versions: 'Spec versions' };

/** Other views of the DAG and the selected run: graph, Gantt, schedule, spec versions. */
export function DagViews({
  dag,
  columns,
  taskInstances,
  selectedTaskId,
  now,
  onSelectTask,
}: {
  dag: DagDetail;
  columns: string[];
  taskInstances: Record<string, TaskInstance>;
  selectedTaskId: string | null;
  now: number;
  onSelectTask: (taskId: string) => void;
}) {
  const [view, setView] = useState<View>('graph');
  return (
    <section className="panel ti-view" aria-label="DAG views" data-testid="dag-views">
      <div className="tabs">
        <TabList label="DAG views" tabs={LABEL} active={view} onSelect={setView} testIdPrefix="view-tab-" />
      </div>
      <div role="tabpanel">
        {view === 'graph' ? <DagGraph spec={dag.spec} taskInstances={taskInstances} selectedTaskId={selectedTaskId} onSelectTask={onSelectTask} /> : null}
        {view === 'gantt' ? <RunGantt columns={columns} taskInstances={taskInstances} now={now} onSelectTask={onSelectTask} /> : null}
        {view === 'schedule' ? <SchedulePanel schedule={dag.schedule ?? null} timezone={dag.timezone} /> : null}
        {view === 'versions' ? <SpecVersions dagId={dag.dagId} /> : null}
      </div>
    </section>
  );
}

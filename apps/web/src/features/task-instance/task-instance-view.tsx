'use client';

import { QueryErrorBanner } from '@/components/error-banner';
import { useState } from 'react';
import { useQuery } from 'urql';
import { DateTimeText } from '@/components/date-time';
import { StateBadge } from '@/components/state-badge';
import { TabList } from '@/components/tab-list';
import { elapsed, formatDuration } from '@/lib/format';
import type { DagRun, TaskInstance } from '@/lib/graphql/operations';
import { XComQuery } from '@/lib/graphql/operations-tasks';
import { TriesTab } from './tries-tab';
import { isActiveState } from '@/lib/states';
import { TaskActions } from '../actions/run-actions';
import { LogView } from './log-view';

type Tab = 'log' | 'tries' | 'xcom' | 'details';
const TAB_LABEL: Record<Tab, string> = { log: 'Log', tries: 'Tries', xcom: 'XCom', details: 'Spec' };

/** The selected task instance: actions, its log per try (live), XCom, and what the spec declares. */
export function TaskInstanceView({
  run,
  ti,
  taskSpec,
  now,
  onChanged,
}: {
  run: DagRun;
  ti: TaskInstance;
  taskSpec: unknown;
  now: number;
  onChanged: () => void;
}) {
  const [tab, setTab] = useState<Tab>('log');
  const [pickedTry, setPickedTry] = useState<number | null>(null);
  const latestTry = Math.max(ti.tryNumber, 1);
  const tryNumber = pickedTry !== null && pickedTry <= latestTry ? pickedTry : latestTry;
  const tries = Array.from({ length: latestTry }, (_, i) => latestTry - i);
  const live = tryNumber === latestTry && (isActiveState(ti.state) || ti.state === 'none');

  return (
    <section className="panel ti-view" data-testid="ti-view" data-task={ti.taskId} aria-label={`Task ${ti.taskId}`}>
      <header className="ti-panel-head">
        <div className="ti-panel-title">
          <span className="eyebrow">Task instance</span>
          <h2>{ti.taskId}</h2>
        </div>
        <StateBadge state={ti.state} testId="ti-view-state" />
      </header>
      <dl className="facts facts-inline">
        <div>
          <dt>Operator</dt>
          <dd>{ti.operator}</dd>
        </div>
        <div>
          <dt>Try</dt>
          <dd>
            {ti.tryNumber}/{ti.maxTries}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <DateTimeText value={ti.startedAt} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(elapsed(ti.startedAt, ti.endedAt, now))}</dd>
        </div>
      </dl>
      <TaskActions run={run} ti={ti} onChanged={onChanged} />
      <div className="tabs">
        <TabList label="Task instance details" tabs={TAB_LABEL} active={tab} onSelect={setTab} testIdPrefix="ti-tab-" />
        {tab === 'log' ? (
          <label className="tab-extra">
            <span className="small muted">Try</span>{' '}
            <select className="input input-sm" value={tryNumber} onChange={(e) => setPickedTry(Number(e.target.value))} data-testid="ti-try" aria-label="Try">
              {tries.map((n) => (
                <option key={n} value={n}>
                  {n}
                  {n === latestTry ? ' (latest)' : ''}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      <div role="tabpanel">
        {tab === 'log' ? (
          <LogView
            key={`${ti.id}:${tryNumber}`}
            taskInstanceId={ti.id}
            tryNumber={tryNumber}
            live={live}
            fileName={`${run.runId}__${ti.taskId}__try${tryNumber}.log`}
          />
        ) : null}
        {tab === 'tries' ? <TriesTab ti={ti} now={now} /> : null}
        {tab === 'xcom' ? <XComTab taskInstanceId={ti.id} /> : null}
        {tab === 'details' ? (
          <div className="spec-block">
            <p className="muted small">
              The task as the DAG version of this run declares it (templates shown as written; each try&apos;s rendered <code>with</code> is in <em>Tries</em>).
            </p>
            <pre className="code" data-testid="ti-spec" tabIndex={0} aria-label="Task spec">
              {JSON.stringify(taskSpec ?? null, null, 2)}
            </pre>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function XComTab({ taskInstanceId }: { taskInstanceId: string }) {
  const [{ data, fetching, error }] = useQuery({ query: XComQuery, variables: { taskInstanceId }, requestPolicy: 'cache-and-network' });
  if (fetching && !data) return <p className="muted">Loading XCom…</p>;
  if (error) return <QueryErrorBanner error={error} />;
  if (!data?.xcom.length) return <p className="muted">No XCom values (only a successful try pushes them).</p>;
  return (
    <table className="table" data-testid="xcom-table">
      <thead>
        <tr>
          <th>Key</th>
          <th>Value</th>
          <th className="num">Try</th>
        </tr>
      </thead>
      <tbody>
        {data.xcom.map((x) => (
          <tr key={x.key}>
            <td>
              <code>{x.key}</code>
            </td>
            <td>
              <pre className="code code-inline" tabIndex={0} aria-label={`XCom ${x.key}`}>
                {JSON.stringify(x.value, null, 2)}
              </pre>
            </td>
            <td className="num">{x.tryNumber}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

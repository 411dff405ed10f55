import { op } from './graphql';

/** Operation documents with hand-written result types (names from apps/api/schema.graphql). */
export type TaskState =
  | 'none' | 'scheduled' | 'queued' | 'running' | 'success' | 'failed' | 'up_for_retry'
  | 'up_for_reschedule' | 'upstream_failed' | 'skipped' | 'deferred' | 'removed' | 'restarting';
export type RunState = 'queued' | 'running' | 'success' | 'failed' | 'canceled';

export interface RunSummary {
  id: string;
  runId: string;
  runType: string;
  state: RunState;
  logicalDate: string;
  startedAt: string | null;
  endedAt: string | null;
}

export interface TaskInstance {
  id: string;
  dagRunId: string;
  taskId: string;
  operator: string;
  state: TaskState;
  tryNumber: number;
  maxTries: number;
  startedAt: string | null;
  endedAt: string | null;
}

export interface DagSummary {
  dagId: string;
  description: string | null;
  schedule: string | null;
  timezone: string;
  tags: string[];
  paused: boolean;
  nextDagRunDueAt: string | null;
  recentRuns: RunSummary[];
}

const RUN_FIELDS = 'id runId runType state logicalDate startedAt endedAt';
const TI_FIELDS = 'id dagRunId taskId operator state tryNumber maxTries startedAt endedAt';

export const LOGIN = op<{ login: { token: string } }, { email: string; password: string }>(
  'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
);
export const SIGN_UP = op<{ signUp: { token: string } }, { email: string; password: string; tenantName: string }>(
  'mutation SignUp($email: String!, $password: String!, $tenantName: String!) { signUp(email: $email, password: $password, tenantName: $tenantName) { token } }',
);
export const ME = op<{ me: { user: { email: string } | null; tenant: { name: string }; role: string } }>('query Me { me { user { email } tenant { name } role } }');
export const DAGS = op<{ dags: { totalCount: number; edges: Array<{ node: DagSummary }> } }>(
  `query Dags { dags(first: 200) { totalCount edges { node { dagId description schedule timezone tags paused nextDagRunDueAt recentRuns(limit: 12) { ${RUN_FIELDS} } } } } }`,
);
export const DAG = op<{ dag: DagSummary & { taskIds: string[]; latestVersion: number } }, { dagId: string }>(
  `query Dag($dagId: String!) { dag(dagId: $dagId) { dagId description schedule timezone tags paused nextDagRunDueAt latestVersion taskIds recentRuns(limit: 1) { ${RUN_FIELDS} } } }`,
);
export const DAG_RUNS = op<{ dagRuns: { edges: Array<{ node: RunSummary & { taskInstances: TaskInstance[] } }> } }, { dagId: string }>(
  `query DagRuns($dagId: String!) { dagRuns(dagId: $dagId, first: 25) { edges { node { ${RUN_FIELDS} taskInstances { ${TI_FIELDS} } } } } }`,
);
export const TRIGGER = op<{ triggerDagRun: RunSummary }, { dagId: string }>(
  `mutation Trigger($dagId: String!) { triggerDagRun(dagId: $dagId) { ${RUN_FIELDS} } }`,
);
export const PAUSE = op<{ pauseDag: { dagId: string; paused: boolean } }, { dagId: string }>('mutation Pause($dagId: String!) { pauseDag(dagId: $dagId) { dagId paused } }');
export const UNPAUSE = op<{ unpauseDag: { dagId: string; paused: boolean } }, { dagId: string }>('mutation Unpause($dagId: String!) { unpauseDag(dagId: $dagId) { dagId paused } }');
export const RUN_UPDATED = op<{ dagRunUpdated: RunSummary & { dagId: string } }, { dagId: string | null }>(
  `subscription RunUpdated($dagId: String) { dagRunUpdated(dagId: $dagId) { dagId ${RUN_FIELDS} } }`,
);
export const TI_UPDATED = op<{ taskInstanceUpdated: TaskInstance }, { runId: string }>(
  `subscription TaskUpdated($runId: ID!) { taskInstanceUpdated(runId: $runId) { ${TI_FIELDS} } }`,
);

import type { GqlClient } from './graphql.js';
import { waitFor } from './stack.js';

/** A task instance as the e2e tests read it through `dagRun { taskInstances }`. */
export interface RunTaskInstance {
  id: string;
  taskId: string;
  state: string;
  tryNumber: number;
  startedAt: string | null;
  endedAt: string | null;
}

export interface RunView {
  id: string;
  state: string;
  dagVersion: number;
  taskInstances: RunTaskInstance[];
}

/** A run and its task instances, through GraphQL. */
export async function getRun(api: GqlClient, id: string): Promise<RunView> {
  const { dagRun } = await api.request<{ dagRun: RunView }>(
    'query($id:ID!){ dagRun(id:$id){ id state dagVersion taskInstances { id taskId state tryNumber startedAt endedAt } } }',
    { id },
  );
  return dagRun;
}

/** Waits for the run to end (success, failed or canceled); on timeout the error lists its tasks' states. */
export function runFinished(api: GqlClient, id: string, timeoutMs = 30_000): Promise<RunView> {
  return waitFor(
    async () => {
      const r = await getRun(api, id);
      return ['success', 'failed', 'canceled'].includes(r.state) ? r : null;
    },
    timeoutMs,
    `run ${id} to finish`,
    150,
  ).catch(async (err: Error) => {
    const r = await getRun(api, id);
    throw new Error(`${err.message}; run ${r.state}: ${r.taskInstances.map((t) => `${t.taskId}=${t.state}`).join(', ')}`);
  });
}

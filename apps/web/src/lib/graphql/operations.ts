/**
 * Every GraphQL operation the web app sends, with hand-written result and variable types.
 *
 * Names and shapes follow apps/api/schema.graphql (the public contract, docs/api.md). Keep this the
 * only file that holds GraphQL text so it can later be generated from the schema without touching
 * components: each operation is a `TypedDocument<Result, Variables>` string constant.
 */

/** A GraphQL document string that carries its result and variable types (phantom, compile-time only). */
export type TypedDocument<TResult, TVariables> = string & {
  readonly __result?: TResult;
  readonly __variables?: TVariables;
};

export type ResultOf<D> = D extends TypedDocument<infer R, unknown> ? R : never;
export type VariablesOf<D> = D extends TypedDocument<unknown, infer V> ? V : never;

type NoVariables = Record<string, never>;

function doc<TResult, TVariables = NoVariables>(source: string): TypedDocument<TResult, TVariables> {
  return source as TypedDocument<TResult, TVariables>;
}

// ---------------------------------------------------------------------------------------------
// Scalars and enums
// ---------------------------------------------------------------------------------------------

/** ISO-8601 string. */
export type DateTime = string;
export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

export type Role = 'OWNER' | 'ADMIN' | 'EDITOR' | 'OPERATOR' | 'VIEWER';
export type DagRunState = 'queued' | 'running' | 'success' | 'failed' | 'canceled';
export type TaskInstanceState =
  | 'none'
  | 'scheduled'
  | 'queued'
  | 'running'
  | 'success'
  | 'failed'
  | 'up_for_retry'
  | 'up_for_reschedule'
  | 'upstream_failed'
  | 'skipped'
  | 'deferred'
  | 'removed'
  | 'restarting';
export type RunType = 'scheduled' | 'manual' | 'backfill' | 'triggered';

// ---------------------------------------------------------------------------------------------
// Object shapes (as selected by the fragments below)
// ---------------------------------------------------------------------------------------------

export interface Tenant {
  id: string;
  slug: string;
  name: string;
}

export interface User {
  id: string;
  email: string;
  name: string | null;
}

export interface AuthPayload {
  token: string;
  user: User;
  tenant: Tenant;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface DagRun {
  id: string;
  dagId: string;
  runId: string;
  runType: RunType;
  state: DagRunState;
  logicalDate: DateTime;
  dataIntervalStart: DateTime;
  dataIntervalEnd: DateTime;
  queuedAt: DateTime;
  startedAt: DateTime | null;
  endedAt: DateTime | null;
  dagVersion: number;
}

export interface TaskInstance {
  id: string;
  dagRunId: string;
  dagId: string;
  taskId: string;
  operator: string;
  state: TaskInstanceState;
  tryNumber: number;
  maxTries: number;
  queuedAt: DateTime | null;
  startedAt: DateTime | null;
  endedAt: DateTime | null;
  nextAttemptAt: DateTime | null;
}

export interface DagRunWithTasks extends DagRun {
  taskInstances: TaskInstance[];
}

/** The fields both the list and the DAG page show. */
export interface DagHeader {
  id: string;
  dagId: string;
  description: string | null;
  schedule: string | null;
  timezone: string;
  tags: string[];
  paused: boolean;
  latestVersion: number;
  nextDagRunLogicalDate: DateTime | null;
  nextDagRunDueAt: DateTime | null;
}

export interface DagListItem extends DagHeader {
  recentRuns: DagRun[];
}

export interface DagDetail extends DagHeader {
  taskIds: string[];
}

// ---------------------------------------------------------------------------------------------
// Fragments
// ---------------------------------------------------------------------------------------------

const DAG_HEADER_FIELDS = /* GraphQL */ `
  fragment DagHeaderFields on Dag {
    id
    dagId
    description
    schedule
    timezone
    tags
    paused
    latestVersion
    nextDagRunLogicalDate
    nextDagRunDueAt
  }
`;

const DAG_RUN_FIELDS = /* GraphQL */ `
  fragment DagRunFields on DagRun {
    id
    dagId
    runId
    runType
    state
    logicalDate
    dataIntervalStart
    dataIntervalEnd
    queuedAt
    startedAt
    endedAt
    dagVersion
  }
`;

const TASK_INSTANCE_FIELDS = /* GraphQL */ `
  fragment TaskInstanceFields on TaskInstance {
    id
    dagRunId
    dagId
    taskId
    operator
    state
    tryNumber
    maxTries
    queuedAt
    startedAt
    endedAt
    nextAttemptAt
  }
`;

const AUTH_PAYLOAD_FIELDS = /* GraphQL */ `
  fragment AuthPayloadFields on AuthPayload {
    token
    user {
      id
      email
      name
    }
    tenant {
      id
      slug
      name
    }
  }
`;

// ---------------------------------------------------------------------------------------------
// Auth
// ---------------------------------------------------------------------------------------------

export const LoginMutation = doc<{ login: AuthPayload }, { email: string; password: string }>(/* GraphQL */ `
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      ...AuthPayloadFields
    }
  }
  ${AUTH_PAYLOAD_FIELDS}
`);

export const SignUpMutation = doc<{ signUp: AuthPayload }, { email: string; password: string; tenantName: string }>(/* GraphQL */ `
  mutation SignUp($email: String!, $password: String!, $tenantName: String!) {
    signUp(email: $email, password: $password, tenantName: $tenantName) {
      ...AuthPayloadFields
    }
  }
  ${AUTH_PAYLOAD_FIELDS}
`);

export interface Viewer {
  user: User | null;
  tenant: Tenant;
  role: Role;
}

export const MeQuery = doc<{ me: Viewer }>(/* GraphQL */ `
  query Me {
    me {
      role
      user {
        id
        email
        name
      }
      tenant {
        id
        slug
        name
      }
    }
  }
`);

// ---------------------------------------------------------------------------------------------
// DAGs
// ---------------------------------------------------------------------------------------------

export const DagsQuery = doc<
  { dags: { edges: { node: DagListItem; cursor: string }[]; pageInfo: PageInfo; totalCount: number } },
  { first?: number; after?: string | null; tag?: string | null; paused?: boolean | null; recentRuns?: number }
>(/* GraphQL */ `
  query Dags($first: Int, $after: String, $tag: String, $paused: Boolean, $recentRuns: Int! = 14) {
    dags(first: $first, after: $after, tag: $tag, paused: $paused) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...DagHeaderFields
          recentRuns(limit: $recentRuns) {
            ...DagRunFields
          }
        }
      }
    }
  }
  ${DAG_HEADER_FIELDS}
  ${DAG_RUN_FIELDS}
`);

export const DagQuery = doc<{ dag: DagDetail }, { dagId: string }>(/* GraphQL */ `
  query Dag($dagId: String!) {
    dag(dagId: $dagId) {
      ...DagHeaderFields
      taskIds
    }
  }
  ${DAG_HEADER_FIELDS}
`);

export const PauseDagMutation = doc<{ pauseDag: DagHeader }, { dagId: string }>(/* GraphQL */ `
  mutation PauseDag($dagId: String!) {
    pauseDag(dagId: $dagId) {
      ...DagHeaderFields
    }
  }
  ${DAG_HEADER_FIELDS}
`);

export const UnpauseDagMutation = doc<{ unpauseDag: DagHeader }, { dagId: string }>(/* GraphQL */ `
  mutation UnpauseDag($dagId: String!) {
    unpauseDag(dagId: $dagId) {
      ...DagHeaderFields
    }
  }
  ${DAG_HEADER_FIELDS}
`);

// ---------------------------------------------------------------------------------------------
// Runs and task instances
// ---------------------------------------------------------------------------------------------

export const DagRunsQuery = doc<
  { dagRuns: { edges: { node: DagRunWithTasks; cursor: string }[]; pageInfo: PageInfo; totalCount: number } },
  { dagId: string; state?: DagRunState | null; first?: number; after?: string | null }
>(/* GraphQL */ `
  query DagRuns($dagId: String!, $state: DagRunState, $first: Int, $after: String) {
    dagRuns(dagId: $dagId, state: $state, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...DagRunFields
          taskInstances {
            ...TaskInstanceFields
          }
        }
      }
    }
  }
  ${DAG_RUN_FIELDS}
  ${TASK_INSTANCE_FIELDS}
`);

export const DagRunQuery = doc<{ dagRun: DagRunWithTasks }, { id: string }>(/* GraphQL */ `
  query DagRun($id: ID!) {
    dagRun(id: $id) {
      ...DagRunFields
      taskInstances {
        ...TaskInstanceFields
      }
    }
  }
  ${DAG_RUN_FIELDS}
  ${TASK_INSTANCE_FIELDS}
`);

export const TriggerDagRunMutation = doc<{ triggerDagRun: DagRun }, { dagId: string; params?: JSONValue | null; logicalDate?: DateTime | null }>(/* GraphQL */ `
  mutation TriggerDagRun($dagId: String!, $params: JSON, $logicalDate: DateTime) {
    triggerDagRun(dagId: $dagId, params: $params, logicalDate: $logicalDate) {
      ...DagRunFields
    }
  }
  ${DAG_RUN_FIELDS}
`);

// ---------------------------------------------------------------------------------------------
// Subscriptions
// ---------------------------------------------------------------------------------------------

/** `dagId: null` = every DAG of the tenant. The payload carries no task instances (not selected). */
export const DagRunUpdatedSubscription = doc<{ dagRunUpdated: DagRun }, { dagId: string | null }>(/* GraphQL */ `
  subscription DagRunUpdated($dagId: String) {
    dagRunUpdated(dagId: $dagId) {
      ...DagRunFields
    }
  }
  ${DAG_RUN_FIELDS}
`);

/** `runId` is `DagRun.id` (not the Airflow-style `runId` string). */
export const TaskInstanceUpdatedSubscription = doc<{ taskInstanceUpdated: TaskInstance }, { runId: string }>(/* GraphQL */ `
  subscription TaskInstanceUpdated($runId: ID!) {
    taskInstanceUpdated(runId: $runId) {
      ...TaskInstanceFields
    }
  }
  ${TASK_INSTANCE_FIELDS}
`);

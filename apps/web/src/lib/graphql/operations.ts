/**
 * The web app's GraphQL documents for sign-in, DAGs, runs and task instances. Each `graphql()` call is
 * compiled by GraphQL Code Generator (apps/web/codegen.ts) into a typed document whose result and
 * variable types come from apps/api/schema.graphql; nothing here is typed by hand.
 * Task-level documents are in operations-tasks.ts, tenant pages' in operations-tenant.ts.
 */
import { graphql } from './generated';
import type {
  AuthPayloadFieldsFragment,
  DagHeaderFieldsFragment,
  DagQuery as DagQueryResult,
  DagRunFieldsFragment,
  DagsQuery as DagsQueryResult,
  MeQuery as MeQueryResult,
  TaskInstanceFieldsFragment,
} from './generated/graphql';

export type { DagRunState, Role, RunType, TaskInstanceState } from './generated/graphql';
export type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
export type { TypedDocumentNode as TypedDocument } from '@graphql-typed-document-node/core';

/** ISO-8601 string. */
export type DateTime = string;
export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

export type AuthPayload = AuthPayloadFieldsFragment;
export type User = AuthPayload['user'];
export type Tenant = AuthPayload['tenant'];
export type DagRun = DagRunFieldsFragment;
export type TaskInstance = TaskInstanceFieldsFragment;
export type DagRunWithTasks = DagRun & { taskInstances: TaskInstance[] };
export type DagHeader = DagHeaderFieldsFragment;
export type DagListItem = DagsQueryResult['dags']['edges'][number]['node'];
export type DagDetail = DagQueryResult['dag'];
export type Viewer = MeQueryResult['me'];
export type ViewerMembership = Viewer['memberships'][number];

graphql(`
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
`);

graphql(`
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
`);

graphql(`
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
`);

graphql(`
  fragment AuthPayloadFields on AuthPayload {
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
`);

// Auth

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      ...AuthPayloadFields
    }
  }
`);

export const SignUpMutation = graphql(`
  mutation SignUp($email: String!, $password: String!, $tenantName: String!) {
    signUp(email: $email, password: $password, tenantName: $tenantName) {
      ...AuthPayloadFields
    }
  }
`);

export const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($token: String!, $password: String, $name: String) {
    acceptInvitation(token: $token, password: $password, name: $name) {
      ...AuthPayloadFields
    }
  }
`);

export const MeQuery = graphql(`
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
      memberships {
        role
        tenant {
          id
          slug
          name
        }
      }
    }
  }
`);

/** A session in another of the user's organisations (the header's switcher); the API sets it as the cookie. */
export const SwitchTenantMutation = graphql(`
  mutation SwitchTenant($tenantId: ID!) {
    switchTenant(tenantId: $tenantId) {
      ...AuthPayloadFields
    }
  }
`);

// DAGs

export const DagsQuery = graphql(`
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
`);

export const DagQuery = graphql(`
  query Dag($dagId: String!) {
    dag(dagId: $dagId) {
      ...DagHeaderFields
      taskIds
      spec
    }
  }
`);

export const PauseDagMutation = graphql(`
  mutation PauseDag($dagId: String!) {
    pauseDag(dagId: $dagId) {
      ...DagHeaderFields
    }
  }
`);

export const UnpauseDagMutation = graphql(`
  mutation UnpauseDag($dagId: String!) {
    unpauseDag(dagId: $dagId) {
      ...DagHeaderFields
    }
  }
`);

export const DagVersionsQuery = graphql(`
  query DagVersions($dagId: String!) {
    dagVersions(dagId: $dagId) {
      id
      version
      specHash
      createdAt
      spec
    }
  }
`);

export const SchedulePreviewQuery = graphql(`
  query SchedulePreview($schedule: String!, $timezone: String!, $count: Int!, $after: DateTime) {
    schedulePreview(schedule: $schedule, timezone: $timezone, count: $count, after: $after)
  }
`);

// Runs and task instances

export const DagRunsQuery = graphql(`
  query DagRuns(
    $dagId: String!
    $state: DagRunState
    $runType: RunType
    $logicalDateFrom: DateTime
    $logicalDateTo: DateTime
    $first: Int
    $after: String
    $offset: Int
  ) {
    dagRuns(
      dagId: $dagId
      state: $state
      runType: $runType
      logicalDateFrom: $logicalDateFrom
      logicalDateTo: $logicalDateTo
      first: $first
      after: $after
      offset: $offset
    ) {
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
`);

/**
 * The DAG page's first screen in one request: the DAG and the grid's first page (the same
 * selections as DagQuery and DagRunsQuery), so the header and the grid arrive, and render, together.
 */
export const DagPageQuery = graphql(`
  query DagPage($dagId: String!, $state: DagRunState, $runType: RunType, $logicalDateFrom: DateTime, $logicalDateTo: DateTime, $first: Int, $offset: Int) {
    dag(dagId: $dagId) {
      ...DagHeaderFields
      taskIds
      spec
    }
    dagRuns(dagId: $dagId, state: $state, runType: $runType, logicalDateFrom: $logicalDateFrom, logicalDateTo: $logicalDateTo, first: $first, offset: $offset) {
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
`);

export const DagRunQuery = graphql(`
  query DagRun($id: ID!) {
    dagRun(id: $id) {
      ...DagRunFields
      params
      taskInstances {
        ...TaskInstanceFields
      }
    }
  }
`);

export const TriggerDagRunMutation = graphql(`
  mutation TriggerDagRun($dagId: String!, $params: JSON, $logicalDate: DateTime) {
    triggerDagRun(dagId: $dagId, params: $params, logicalDate: $logicalDate) {
      ...DagRunFields
    }
  }
`);

export const CancelDagRunMutation = graphql(`
  mutation CancelDagRun($id: ID!) {
    cancelDagRun(id: $id) {
      ...DagRunFields
    }
  }
`);

export const BackfillDagMutation = graphql(`
  mutation BackfillDag($dagId: String!, $from: DateTime!, $to: DateTime!, $reprocess: Reprocess!, $maxActiveRuns: Int!) {
    backfillDag(dagId: $dagId, from: $from, to: $to, reprocess: $reprocess, maxActiveRuns: $maxActiveRuns) {
      backfill {
        id
        state
        fromDate
        toDate
        reprocess
      }
      created {
        ...DagRunFields
      }
      reprocessed {
        ...DagRunFields
      }
      skipped
    }
  }
`);

// Subscriptions

/** `dagId: null` = every DAG of the tenant. The payload carries no task instances (not selected). */
export const DagRunUpdatedSubscription = graphql(`
  subscription DagRunUpdated($dagId: String) {
    dagRunUpdated(dagId: $dagId) {
      ...DagRunFields
    }
  }
`);

/** `runId` is `DagRun.id` (not the Airflow-style `runId` string). */
export const TaskInstanceUpdatedSubscription = graphql(`
  subscription TaskInstanceUpdated($runId: ID!) {
    taskInstanceUpdated(runId: $runId) {
      ...TaskInstanceFields
    }
  }
`);

/** Documents of the task instance view and the task-level actions (typed by GraphQL Code Generator). */
import { graphql } from './generated';

graphql(`
  fragment LogLineFields on TaskLogLine {
    id
    ts
    level
    message
    tryNumber
  }
`);

export const TaskLogQuery = graphql(`
  query TaskLog($taskInstanceId: ID!, $tryNumber: Int, $afterId: ID, $first: Int) {
    taskLog(taskInstanceId: $taskInstanceId, tryNumber: $tryNumber, afterId: $afterId, first: $first) {
      ...LogLineFields
    }
  }
`);

export const TaskLogAppendedSubscription = graphql(`
  subscription TaskLogAppended($taskInstanceId: ID!, $tryNumber: Int) {
    taskLogAppended(taskInstanceId: $taskInstanceId, tryNumber: $tryNumber) {
      ...LogLineFields
    }
  }
`);

export const XComQuery = graphql(`
  query XCom($taskInstanceId: ID!) {
    xcom(taskInstanceId: $taskInstanceId) {
      key
      value
      tryNumber
      createdAt
    }
  }
`);

export const ClearTaskInstancesMutation = graphql(`
  mutation ClearTaskInstances($runId: ID!, $taskIds: [String!], $onlyFailed: Boolean!, $includeDownstream: Boolean!) {
    clearTaskInstances(runId: $runId, taskIds: $taskIds, onlyFailed: $onlyFailed, includeDownstream: $includeDownstream) {
      ...TaskInstanceFields
    }
  }
`);

export const MarkTaskInstanceMutation = graphql(`
  mutation MarkTaskInstance($id: ID!, $state: MarkState!) {
    markTaskInstance(id: $id, state: $state) {
      ...TaskInstanceFields
    }
  }
`);

export const TaskTriesQuery = graphql(`
  query TaskTries($taskInstanceId: ID!) {
    taskTries(taskInstanceId: $taskInstanceId) {
      tryNumber
      state
      startedAt
      endedAt
      error
      renderedWith
    }
  }
`);

/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AlertFields on Alert {\n    id\n    ruleId\n    ruleName\n    event\n    severity\n    state\n    summary\n    dagId\n    runId\n    dagRunId\n    taskId\n    occurrences\n    notified\n    firedAt\n    lastEventAt\n    resolvedAt\n    acknowledgedAt\n    acknowledgedBy\n  }\n": typeof types.AlertFieldsFragmentDoc,
    "\n  query Alerts($first: Int, $state: AlertState, $severity: AlertSeverity, $dagId: String) {\n    alerts(first: $first, state: $state, severity: $severity, dagId: $dagId) {\n      totalCount\n      edges {\n        node {\n          ...AlertFields\n        }\n      }\n    }\n  }\n": typeof types.AlertsDocument,
    "\n  subscription AlertFired {\n    alertFired {\n      ...AlertFields\n    }\n  }\n": typeof types.AlertFiredDocument,
    "\n  subscription AlertUpdated {\n    alertUpdated {\n      ...AlertFields\n    }\n  }\n": typeof types.AlertUpdatedDocument,
    "\n  mutation AcknowledgeAlert($id: ID!) {\n    acknowledgeAlert(id: $id) {\n      ...AlertFields\n    }\n  }\n": typeof types.AcknowledgeAlertDocument,
    "\n  fragment AlertRuleFields on AlertRule {\n    id\n    name\n    event\n    severity\n    enabled\n    dagIds\n    tags\n    taskIds\n    channelIds\n    throttleSeconds\n    mutedUntil\n    durationSeconds\n    deadlineTime\n    deadlineTimezone\n    freshnessHours\n    consecutiveFailures\n    updatedAt\n  }\n": typeof types.AlertRuleFieldsFragmentDoc,
    "\n  query AlertRules {\n    alertRules(first: 200) {\n      totalCount\n      edges {\n        node {\n          ...AlertRuleFields\n        }\n      }\n    }\n  }\n": typeof types.AlertRulesDocument,
    "\n  mutation CreateAlertRule($input: CreateAlertRuleInput!) {\n    createAlertRule(input: $input) {\n      ...AlertRuleFields\n    }\n  }\n": typeof types.CreateAlertRuleDocument,
    "\n  mutation UpdateAlertRule($id: ID!, $input: UpdateAlertRuleInput!) {\n    updateAlertRule(id: $id, input: $input) {\n      ...AlertRuleFields\n    }\n  }\n": typeof types.UpdateAlertRuleDocument,
    "\n  mutation DeleteAlertRule($id: ID!) {\n    deleteAlertRule(id: $id) {\n      id\n    }\n  }\n": typeof types.DeleteAlertRuleDocument,
    "\n  query PreviewAlertRule($dagIds: [String!], $tags: [String!]) {\n    previewAlertRule(dagIds: $dagIds, tags: $tags)\n  }\n": typeof types.PreviewAlertRuleDocument,
    "\n  fragment AlertChannelFields on AlertChannel {\n    id\n    name\n    type\n    config\n    secretFields\n    updatedAt\n  }\n": typeof types.AlertChannelFieldsFragmentDoc,
    "\n  query AlertChannels {\n    alertChannels(first: 200) {\n      totalCount\n      edges {\n        node {\n          ...AlertChannelFields\n        }\n      }\n    }\n  }\n": typeof types.AlertChannelsDocument,
    "\n  mutation CreateAlertChannel($input: CreateAlertChannelInput!) {\n    createAlertChannel(input: $input) {\n      ...AlertChannelFields\n    }\n  }\n": typeof types.CreateAlertChannelDocument,
    "\n  mutation UpdateAlertChannel($id: ID!, $input: UpdateAlertChannelInput!) {\n    updateAlertChannel(id: $id, input: $input) {\n      ...AlertChannelFields\n    }\n  }\n": typeof types.UpdateAlertChannelDocument,
    "\n  mutation DeleteAlertChannel($id: ID!) {\n    deleteAlertChannel(id: $id) {\n      id\n    }\n  }\n": typeof types.DeleteAlertChannelDocument,
    "\n  mutation TestAlertChannel($id: ID!) {\n    testAlertChannel(id: $id) {\n      deliveryId\n      ok\n      statusCode\n      response\n    }\n  }\n": typeof types.TestAlertChannelDocument,
    "\n  query AlertDeliveries($channelId: ID, $first: Int) {\n    alertDeliveries(channelId: $channelId, first: $first) {\n      id\n      alertId\n      kind\n      status\n      attempts\n      lastStatusCode\n      lastResponse\n      createdAt\n      deliveredAt\n    }\n  }\n": typeof types.AlertDeliveriesDocument,
    "\n  fragment LogLineFields on TaskLogLine {\n    id\n    ts\n    level\n    message\n    tryNumber\n  }\n": typeof types.LogLineFieldsFragmentDoc,
    "\n  query TaskLog($taskInstanceId: ID!, $tryNumber: Int, $afterId: ID, $first: Int) {\n    taskLog(taskInstanceId: $taskInstanceId, tryNumber: $tryNumber, afterId: $afterId, first: $first) {\n      ...LogLineFields\n    }\n  }\n": typeof types.TaskLogDocument,
    "\n  subscription TaskLogAppended($taskInstanceId: ID!, $tryNumber: Int) {\n    taskLogAppended(taskInstanceId: $taskInstanceId, tryNumber: $tryNumber) {\n      ...LogLineFields\n    }\n  }\n": typeof types.TaskLogAppendedDocument,
    "\n  query XCom($taskInstanceId: ID!) {\n    xcom(taskInstanceId: $taskInstanceId) {\n      key\n      value\n      tryNumber\n      createdAt\n    }\n  }\n": typeof types.XComDocument,
    "\n  mutation ClearTaskInstances($runId: ID!, $taskIds: [String!], $onlyFailed: Boolean!, $includeDownstream: Boolean!) {\n    clearTaskInstances(runId: $runId, taskIds: $taskIds, onlyFailed: $onlyFailed, includeDownstream: $includeDownstream) {\n      ...TaskInstanceFields\n    }\n  }\n": typeof types.ClearTaskInstancesDocument,
    "\n  mutation MarkTaskInstance($id: ID!, $state: MarkState!) {\n    markTaskInstance(id: $id, state: $state) {\n      ...TaskInstanceFields\n    }\n  }\n": typeof types.MarkTaskInstanceDocument,
    "\n  query TaskTries($taskInstanceId: ID!) {\n    taskTries(taskInstanceId: $taskInstanceId) {\n      tryNumber\n      state\n      startedAt\n      endedAt\n      error\n      renderedWith\n    }\n  }\n": typeof types.TaskTriesDocument,
    "\n  fragment ConnectionFields on Connection {\n    id\n    connId\n    type\n    description\n    config\n    secretFields\n    hasPassword\n    updatedAt\n  }\n": typeof types.ConnectionFieldsFragmentDoc,
    "\n  query Connections($first: Int) {\n    connections(first: $first) {\n      totalCount\n      edges {\n        node {\n          ...ConnectionFields\n        }\n      }\n    }\n  }\n": typeof types.ConnectionsDocument,
    "\n  mutation CreateConnection($input: CreateConnectionInput!) {\n    createConnection(input: $input) {\n      ...ConnectionFields\n    }\n  }\n": typeof types.CreateConnectionDocument,
    "\n  mutation UpdateConnection($id: ID!, $input: UpdateConnectionInput!) {\n    updateConnection(id: $id, input: $input) {\n      ...ConnectionFields\n    }\n  }\n": typeof types.UpdateConnectionDocument,
    "\n  mutation TestConnection($id: ID!) {\n    testConnection(id: $id) {\n      ok\n      message\n    }\n  }\n": typeof types.TestConnectionDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    role\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": typeof types.ApiKeyFieldsFragmentDoc,
    "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($name: String!, $role: Role!) {\n    createApiKey(name: $name, role: $role) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query AuditLog($first: Int, $after: String) {\n    auditLog(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          createdAt\n          action\n          actorType\n          actorId\n          targetType\n          targetId\n          details\n        }\n      }\n    }\n  }\n": typeof types.AuditLogDocument,
    "\n  fragment MemberFields on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n      name\n    }\n  }\n": typeof types.MemberFieldsFragmentDoc,
    "\n  fragment InvitationFields on Invitation {\n    id\n    email\n    role\n    status\n    createdAt\n    expiresAt\n    acceptedAt\n    revokedAt\n  }\n": typeof types.InvitationFieldsFragmentDoc,
    "\n  query Members {\n    members {\n      ...MemberFields\n    }\n  }\n": typeof types.MembersDocument,
    "\n  query Invitations {\n    invitations {\n      ...InvitationFields\n    }\n  }\n": typeof types.InvitationsDocument,
    "\n  mutation InviteMember($email: String!, $role: Role!) {\n    inviteMember(email: $email, role: $role) {\n      link\n      emailSent\n      emailError\n      invitation {\n        ...InvitationFields\n      }\n    }\n  }\n": typeof types.InviteMemberDocument,
    "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MemberFields\n    }\n  }\n": typeof types.UpdateMemberRoleDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      id\n    }\n  }\n": typeof types.RemoveMemberDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      ...InvitationFields\n    }\n  }\n": typeof types.RevokeInvitationDocument,
    "\n  fragment DagHeaderFields on Dag {\n    id\n    dagId\n    description\n    schedule\n    timezone\n    tags\n    paused\n    latestVersion\n    nextDagRunLogicalDate\n    nextDagRunDueAt\n  }\n": typeof types.DagHeaderFieldsFragmentDoc,
    "\n  fragment DagRunFields on DagRun {\n    id\n    dagId\n    runId\n    runType\n    state\n    logicalDate\n    dataIntervalStart\n    dataIntervalEnd\n    queuedAt\n    startedAt\n    endedAt\n    dagVersion\n  }\n": typeof types.DagRunFieldsFragmentDoc,
    "\n  fragment TaskInstanceFields on TaskInstance {\n    id\n    dagRunId\n    dagId\n    taskId\n    operator\n    state\n    tryNumber\n    maxTries\n    queuedAt\n    startedAt\n    endedAt\n    nextAttemptAt\n  }\n": typeof types.TaskInstanceFieldsFragmentDoc,
    "\n  fragment AuthPayloadFields on AuthPayload {\n    user {\n      id\n      email\n      name\n    }\n    tenant {\n      id\n      slug\n      name\n    }\n  }\n": typeof types.AuthPayloadFieldsFragmentDoc,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...AuthPayloadFields\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation SignUp($email: String!, $password: String!, $tenantName: String!) {\n    signUp(email: $email, password: $password, tenantName: $tenantName) {\n      ...AuthPayloadFields\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  mutation AcceptInvitation($token: String!, $password: String, $name: String) {\n    acceptInvitation(token: $token, password: $password, name: $name) {\n      ...AuthPayloadFields\n    }\n  }\n": typeof types.AcceptInvitationDocument,
    "\n  query Me {\n    me {\n      role\n      user {\n        id\n        email\n        name\n      }\n      tenant {\n        id\n        slug\n        name\n      }\n      memberships {\n        role\n        tenant {\n          id\n          slug\n          name\n        }\n      }\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation SwitchTenant($tenantId: ID!) {\n    switchTenant(tenantId: $tenantId) {\n      ...AuthPayloadFields\n    }\n  }\n": typeof types.SwitchTenantDocument,
    "\n  query Dags($first: Int, $after: String, $tag: String, $paused: Boolean, $recentRuns: Int! = 14) {\n    dags(first: $first, after: $after, tag: $tag, paused: $paused) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagHeaderFields\n          recentRuns(limit: $recentRuns) {\n            ...DagRunFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.DagsDocument,
    "\n  query Dag($dagId: String!) {\n    dag(dagId: $dagId) {\n      ...DagHeaderFields\n      taskIds\n      spec\n    }\n  }\n": typeof types.DagDocument,
    "\n  mutation PauseDag($dagId: String!) {\n    pauseDag(dagId: $dagId) {\n      ...DagHeaderFields\n    }\n  }\n": typeof types.PauseDagDocument,
    "\n  mutation UnpauseDag($dagId: String!) {\n    unpauseDag(dagId: $dagId) {\n      ...DagHeaderFields\n    }\n  }\n": typeof types.UnpauseDagDocument,
    "\n  query DagVersions($dagId: String!) {\n    dagVersions(dagId: $dagId) {\n      id\n      version\n      specHash\n      createdAt\n      spec\n    }\n  }\n": typeof types.DagVersionsDocument,
    "\n  query SchedulePreview($schedule: String!, $timezone: String!, $count: Int!, $after: DateTime) {\n    schedulePreview(schedule: $schedule, timezone: $timezone, count: $count, after: $after)\n  }\n": typeof types.SchedulePreviewDocument,
    "\n  query DagRuns(\n    $dagId: String!\n    $state: DagRunState\n    $runType: RunType\n    $logicalDateFrom: DateTime\n    $logicalDateTo: DateTime\n    $first: Int\n    $after: String\n    $offset: Int\n  ) {\n    dagRuns(\n      dagId: $dagId\n      state: $state\n      runType: $runType\n      logicalDateFrom: $logicalDateFrom\n      logicalDateTo: $logicalDateTo\n      first: $first\n      after: $after\n      offset: $offset\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagRunFields\n          taskInstances {\n            ...TaskInstanceFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.DagRunsDocument,
    "\n  query DagPage($dagId: String!, $state: DagRunState, $runType: RunType, $logicalDateFrom: DateTime, $logicalDateTo: DateTime, $first: Int, $offset: Int) {\n    dag(dagId: $dagId) {\n      ...DagHeaderFields\n      taskIds\n      spec\n    }\n    dagRuns(dagId: $dagId, state: $state, runType: $runType, logicalDateFrom: $logicalDateFrom, logicalDateTo: $logicalDateTo, first: $first, offset: $offset) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagRunFields\n          taskInstances {\n            ...TaskInstanceFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.DagPageDocument,
    "\n  query DagRun($id: ID!) {\n    dagRun(id: $id) {\n      ...DagRunFields\n      params\n      taskInstances {\n        ...TaskInstanceFields\n      }\n    }\n  }\n": typeof types.DagRunDocument,
    "\n  mutation TriggerDagRun($dagId: String!, $params: JSON, $logicalDate: DateTime) {\n    triggerDagRun(dagId: $dagId, params: $params, logicalDate: $logicalDate) {\n      ...DagRunFields\n    }\n  }\n": typeof types.TriggerDagRunDocument,
    "\n  mutation CancelDagRun($id: ID!) {\n    cancelDagRun(id: $id) {\n      ...DagRunFields\n    }\n  }\n": typeof types.CancelDagRunDocument,
    "\n  mutation BackfillDag($dagId: String!, $from: DateTime!, $to: DateTime!, $reprocess: Reprocess!, $maxActiveRuns: Int!) {\n    backfillDag(dagId: $dagId, from: $from, to: $to, reprocess: $reprocess, maxActiveRuns: $maxActiveRuns) {\n      backfill {\n        id\n        state\n        fromDate\n        toDate\n        reprocess\n      }\n      created {\n        ...DagRunFields\n      }\n      reprocessed {\n        ...DagRunFields\n      }\n      skipped\n    }\n  }\n": typeof types.BackfillDagDocument,
    "\n  subscription DagRunUpdated($dagId: String) {\n    dagRunUpdated(dagId: $dagId) {\n      ...DagRunFields\n    }\n  }\n": typeof types.DagRunUpdatedDocument,
    "\n  subscription TaskInstanceUpdated($runId: ID!) {\n    taskInstanceUpdated(runId: $runId) {\n      ...TaskInstanceFields\n    }\n  }\n": typeof types.TaskInstanceUpdatedDocument,
};
const documents: Documents = {
    "\n  fragment AlertFields on Alert {\n    id\n    ruleId\n    ruleName\n    event\n    severity\n    state\n    summary\n    dagId\n    runId\n    dagRunId\n    taskId\n    occurrences\n    notified\n    firedAt\n    lastEventAt\n    resolvedAt\n    acknowledgedAt\n    acknowledgedBy\n  }\n": types.AlertFieldsFragmentDoc,
    "\n  query Alerts($first: Int, $state: AlertState, $severity: AlertSeverity, $dagId: String) {\n    alerts(first: $first, state: $state, severity: $severity, dagId: $dagId) {\n      totalCount\n      edges {\n        node {\n          ...AlertFields\n        }\n      }\n    }\n  }\n": types.AlertsDocument,
    "\n  subscription AlertFired {\n    alertFired {\n      ...AlertFields\n    }\n  }\n": types.AlertFiredDocument,
    "\n  subscription AlertUpdated {\n    alertUpdated {\n      ...AlertFields\n    }\n  }\n": types.AlertUpdatedDocument,
    "\n  mutation AcknowledgeAlert($id: ID!) {\n    acknowledgeAlert(id: $id) {\n      ...AlertFields\n    }\n  }\n": types.AcknowledgeAlertDocument,
    "\n  fragment AlertRuleFields on AlertRule {\n    id\n    name\n    event\n    severity\n    enabled\n    dagIds\n    tags\n    taskIds\n    channelIds\n    throttleSeconds\n    mutedUntil\n    durationSeconds\n    deadlineTime\n    deadlineTimezone\n    freshnessHours\n    consecutiveFailures\n    updatedAt\n  }\n": types.AlertRuleFieldsFragmentDoc,
    "\n  query AlertRules {\n    alertRules(first: 200) {\n      totalCount\n      edges {\n        node {\n          ...AlertRuleFields\n        }\n      }\n    }\n  }\n": types.AlertRulesDocument,
    "\n  mutation CreateAlertRule($input: CreateAlertRuleInput!) {\n    createAlertRule(input: $input) {\n      ...AlertRuleFields\n    }\n  }\n": types.CreateAlertRuleDocument,
    "\n  mutation UpdateAlertRule($id: ID!, $input: UpdateAlertRuleInput!) {\n    updateAlertRule(id: $id, input: $input) {\n      ...AlertRuleFields\n    }\n  }\n": types.UpdateAlertRuleDocument,
    "\n  mutation DeleteAlertRule($id: ID!) {\n    deleteAlertRule(id: $id) {\n      id\n    }\n  }\n": types.DeleteAlertRuleDocument,
    "\n  query PreviewAlertRule($dagIds: [String!], $tags: [String!]) {\n    previewAlertRule(dagIds: $dagIds, tags: $tags)\n  }\n": types.PreviewAlertRuleDocument,
    "\n  fragment AlertChannelFields on AlertChannel {\n    id\n    name\n    type\n    config\n    secretFields\n    updatedAt\n  }\n": types.AlertChannelFieldsFragmentDoc,
    "\n  query AlertChannels {\n    alertChannels(first: 200) {\n      totalCount\n      edges {\n        node {\n          ...AlertChannelFields\n        }\n      }\n    }\n  }\n": types.AlertChannelsDocument,
    "\n  mutation CreateAlertChannel($input: CreateAlertChannelInput!) {\n    createAlertChannel(input: $input) {\n      ...AlertChannelFields\n    }\n  }\n": types.CreateAlertChannelDocument,
    "\n  mutation UpdateAlertChannel($id: ID!, $input: UpdateAlertChannelInput!) {\n    updateAlertChannel(id: $id, input: $input) {\n      ...AlertChannelFields\n    }\n  }\n": types.UpdateAlertChannelDocument,
    "\n  mutation DeleteAlertChannel($id: ID!) {\n    deleteAlertChannel(id: $id) {\n      id\n    }\n  }\n": types.DeleteAlertChannelDocument,
    "\n  mutation TestAlertChannel($id: ID!) {\n    testAlertChannel(id: $id) {\n      deliveryId\n      ok\n      statusCode\n      response\n    }\n  }\n": types.TestAlertChannelDocument,
    "\n  query AlertDeliveries($channelId: ID, $first: Int) {\n    alertDeliveries(channelId: $channelId, first: $first) {\n      id\n      alertId\n      kind\n      status\n      attempts\n      lastStatusCode\n      lastResponse\n      createdAt\n      deliveredAt\n    }\n  }\n": types.AlertDeliveriesDocument,
    "\n  fragment LogLineFields on TaskLogLine {\n    id\n    ts\n    level\n    message\n    tryNumber\n  }\n": types.LogLineFieldsFragmentDoc,
    "\n  query TaskLog($taskInstanceId: ID!, $tryNumber: Int, $afterId: ID, $first: Int) {\n    taskLog(taskInstanceId: $taskInstanceId, tryNumber: $tryNumber, afterId: $afterId, first: $first) {\n      ...LogLineFields\n    }\n  }\n": types.TaskLogDocument,
    "\n  subscription TaskLogAppended($taskInstanceId: ID!, $tryNumber: Int) {\n    taskLogAppended(taskInstanceId: $taskInstanceId, tryNumber: $tryNumber) {\n      ...LogLineFields\n    }\n  }\n": types.TaskLogAppendedDocument,
    "\n  query XCom($taskInstanceId: ID!) {\n    xcom(taskInstanceId: $taskInstanceId) {\n      key\n      value\n      tryNumber\n      createdAt\n    }\n  }\n": types.XComDocument,
    "\n  mutation ClearTaskInstances($runId: ID!, $taskIds: [String!], $onlyFailed: Boolean!, $includeDownstream: Boolean!) {\n    clearTaskInstances(runId: $runId, taskIds: $taskIds, onlyFailed: $onlyFailed, includeDownstream: $includeDownstream) {\n      ...TaskInstanceFields\n    }\n  }\n": types.ClearTaskInstancesDocument,
    "\n  mutation MarkTaskInstance($id: ID!, $state: MarkState!) {\n    markTaskInstance(id: $id, state: $state) {\n      ...TaskInstanceFields\n    }\n  }\n": types.MarkTaskInstanceDocument,
    "\n  query TaskTries($taskInstanceId: ID!) {\n    taskTries(taskInstanceId: $taskInstanceId) {\n      tryNumber\n      state\n      startedAt\n      endedAt\n      error\n      renderedWith\n    }\n  }\n": types.TaskTriesDocument,
    "\n  fragment ConnectionFields on Connection {\n    id\n    connId\n    type\n    description\n    config\n    secretFields\n    hasPassword\n    updatedAt\n  }\n": types.ConnectionFieldsFragmentDoc,
    "\n  query Connections($first: Int) {\n    connections(first: $first) {\n      totalCount\n      edges {\n        node {\n          ...ConnectionFields\n        }\n      }\n    }\n  }\n": types.ConnectionsDocument,
    "\n  mutation CreateConnection($input: CreateConnectionInput!) {\n    createConnection(input: $input) {\n      ...ConnectionFields\n    }\n  }\n": types.CreateConnectionDocument,
    "\n  mutation UpdateConnection($id: ID!, $input: UpdateConnectionInput!) {\n    updateConnection(id: $id, input: $input) {\n      ...ConnectionFields\n    }\n  }\n": types.UpdateConnectionDocument,
    "\n  mutation TestConnection($id: ID!) {\n    testConnection(id: $id) {\n      ok\n      message\n    }\n  }\n": types.TestConnectionDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    role\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": types.ApiKeyFieldsFragmentDoc,
    "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($name: String!, $role: Role!) {\n    createApiKey(name: $name, role: $role) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query AuditLog($first: Int, $after: String) {\n    auditLog(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          createdAt\n          action\n          actorType\n          actorId\n          targetType\n          targetId\n          details\n        }\n      }\n    }\n  }\n": types.AuditLogDocument,
    "\n  fragment MemberFields on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n      name\n    }\n  }\n": types.MemberFieldsFragmentDoc,
    "\n  fragment InvitationFields on Invitation {\n    id\n    email\n    role\n    status\n    createdAt\n    expiresAt\n    acceptedAt\n    revokedAt\n  }\n": types.InvitationFieldsFragmentDoc,
    "\n  query Members {\n    members {\n      ...MemberFields\n    }\n  }\n": types.MembersDocument,
    "\n  query Invitations {\n    invitations {\n      ...InvitationFields\n    }\n  }\n": types.InvitationsDocument,
    "\n  mutation InviteMember($email: String!, $role: Role!) {\n    inviteMember(email: $email, role: $role) {\n      link\n      emailSent\n      emailError\n      invitation {\n        ...InvitationFields\n      }\n    }\n  }\n": types.InviteMemberDocument,
    "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MemberFields\n    }\n  }\n": types.UpdateMemberRoleDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      id\n    }\n  }\n": types.RemoveMemberDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      ...InvitationFields\n    }\n  }\n": types.RevokeInvitationDocument,
    "\n  fragment DagHeaderFields on Dag {\n    id\n    dagId\n    description\n    schedule\n    timezone\n    tags\n    paused\n    latestVersion\n    nextDagRunLogicalDate\n    nextDagRunDueAt\n  }\n": types.DagHeaderFieldsFragmentDoc,
    "\n  fragment DagRunFields on DagRun {\n    id\n    dagId\n    runId\n    runType\n    state\n    logicalDate\n    dataIntervalStart\n    dataIntervalEnd\n    queuedAt\n    startedAt\n    endedAt\n    dagVersion\n  }\n": types.DagRunFieldsFragmentDoc,
    "\n  fragment TaskInstanceFields on TaskInstance {\n    id\n    dagRunId\n    dagId\n    taskId\n    operator\n    state\n    tryNumber\n    maxTries\n    queuedAt\n    startedAt\n    endedAt\n    nextAttemptAt\n  }\n": types.TaskInstanceFieldsFragmentDoc,
    "\n  fragment AuthPayloadFields on AuthPayload {\n    user {\n      id\n      email\n      name\n    }\n    tenant {\n      id\n      slug\n      name\n    }\n  }\n": types.AuthPayloadFieldsFragmentDoc,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...AuthPayloadFields\n    }\n  }\n": types.LoginDocument,
    "\n  mutation SignUp($email: String!, $password: String!, $tenantName: String!) {\n    signUp(email: $email, password: $password, tenantName: $tenantName) {\n      ...AuthPayloadFields\n    }\n  }\n": types.SignUpDocument,
    "\n  mutation AcceptInvitation($token: String!, $password: String, $name: String) {\n    acceptInvitation(token: $token, password: $password, name: $name) {\n      ...AuthPayloadFields\n    }\n  }\n": types.AcceptInvitationDocument,
    "\n  query Me {\n    me {\n      role\n      user {\n        id\n        email\n        name\n      }\n      tenant {\n        id\n        slug\n        name\n      }\n      memberships {\n        role\n        tenant {\n          id\n          slug\n          name\n        }\n      }\n    }\n  }\n": types.MeDocument,
    "\n  mutation SwitchTenant($tenantId: ID!) {\n    switchTenant(tenantId: $tenantId) {\n      ...AuthPayloadFields\n    }\n  }\n": types.SwitchTenantDocument,
    "\n  query Dags($first: Int, $after: String, $tag: String, $paused: Boolean, $recentRuns: Int! = 14) {\n    dags(first: $first, after: $after, tag: $tag, paused: $paused) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagHeaderFields\n          recentRuns(limit: $recentRuns) {\n            ...DagRunFields\n          }\n        }\n      }\n    }\n  }\n": types.DagsDocument,
    "\n  query Dag($dagId: String!) {\n    dag(dagId: $dagId) {\n      ...DagHeaderFields\n      taskIds\n      spec\n    }\n  }\n": types.DagDocument,
    "\n  mutation PauseDag($dagId: String!) {\n    pauseDag(dagId: $dagId) {\n      ...DagHeaderFields\n    }\n  }\n": types.PauseDagDocument,
    "\n  mutation UnpauseDag($dagId: String!) {\n    unpauseDag(dagId: $dagId) {\n      ...DagHeaderFields\n    }\n  }\n": types.UnpauseDagDocument,
    "\n  query DagVersions($dagId: String!) {\n    dagVersions(dagId: $dagId) {\n      id\n      version\n      specHash\n      createdAt\n      spec\n    }\n  }\n": types.DagVersionsDocument,
    "\n  query SchedulePreview($schedule: String!, $timezone: String!, $count: Int!, $after: DateTime) {\n    schedulePreview(schedule: $schedule, timezone: $timezone, count: $count, after: $after)\n  }\n": types.SchedulePreviewDocument,
    "\n  query DagRuns(\n    $dagId: String!\n    $state: DagRunState\n    $runType: RunType\n    $logicalDateFrom: DateTime\n    $logicalDateTo: DateTime\n    $first: Int\n    $after: String\n    $offset: Int\n  ) {\n    dagRuns(\n      dagId: $dagId\n      state: $state\n      runType: $runType\n      logicalDateFrom: $logicalDateFrom\n      logicalDateTo: $logicalDateTo\n      first: $first\n      after: $after\n      offset: $offset\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagRunFields\n          taskInstances {\n            ...TaskInstanceFields\n          }\n        }\n      }\n    }\n  }\n": types.DagRunsDocument,
    "\n  query DagPage($dagId: String!, $state: DagRunState, $runType: RunType, $logicalDateFrom: DateTime, $logicalDateTo: DateTime, $first: Int, $offset: Int) {\n    dag(dagId: $dagId) {\n      ...DagHeaderFields\n      taskIds\n      spec\n    }\n    dagRuns(dagId: $dagId, state: $state, runType: $runType, logicalDateFrom: $logicalDateFrom, logicalDateTo: $logicalDateTo, first: $first, offset: $offset) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagRunFields\n          taskInstances {\n            ...TaskInstanceFields\n          }\n        }\n      }\n    }\n  }\n": types.DagPageDocument,
    "\n  query DagRun($id: ID!) {\n    dagRun(id: $id) {\n      ...DagRunFields\n      params\n      taskInstances {\n        ...TaskInstanceFields\n      }\n    }\n  }\n": types.DagRunDocument,
    "\n  mutation TriggerDagRun($dagId: String!, $params: JSON, $logicalDate: DateTime) {\n    triggerDagRun(dagId: $dagId, params: $params, logicalDate: $logicalDate) {\n      ...DagRunFields\n    }\n  }\n": types.TriggerDagRunDocument,
    "\n  mutation CancelDagRun($id: ID!) {\n    cancelDagRun(id: $id) {\n      ...DagRunFields\n    }\n  }\n": types.CancelDagRunDocument,
    "\n  mutation BackfillDag($dagId: String!, $from: DateTime!, $to: DateTime!, $reprocess: Reprocess!, $maxActiveRuns: Int!) {\n    backfillDag(dagId: $dagId, from: $from, to: $to, reprocess: $reprocess, maxActiveRuns: $maxActiveRuns) {\n      backfill {\n        id\n        state\n        fromDate\n        toDate\n        reprocess\n      }\n      created {\n        ...DagRunFields\n      }\n      reprocessed {\n        ...DagRunFields\n      }\n      skipped\n    }\n  }\n": types.BackfillDagDocument,
    "\n  subscription DagRunUpdated($dagId: String) {\n    dagRunUpdated(dagId: $dagId) {\n      ...DagRunFields\n    }\n  }\n": types.DagRunUpdatedDocument,
    "\n  subscription TaskInstanceUpdated($runId: ID!) {\n    taskInstanceUpdated(runId: $runId) {\n      ...TaskInstanceFields\n    }\n  }\n": types.TaskInstanceUpdatedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AlertFields on Alert {\n    id\n    ruleId\n    ruleName\n    event\n    severity\n    state\n    summary\n    dagId\n    runId\n    dagRunId\n    taskId\n    occurrences\n    notified\n    firedAt\n    lastEventAt\n    resolvedAt\n    acknowledgedAt\n    acknowledgedBy\n  }\n"): (typeof documents)["\n  fragment AlertFields on Alert {\n    id\n    ruleId\n    ruleName\n    event\n    severity\n    state\n    summary\n    dagId\n    runId\n    dagRunId\n    taskId\n    occurrences\n    notified\n    firedAt\n    lastEventAt\n    resolvedAt\n    acknowledgedAt\n    acknowledgedBy\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Alerts($first: Int, $state: AlertState, $severity: AlertSeverity, $dagId: String) {\n    alerts(first: $first, state: $state, severity: $severity, dagId: $dagId) {\n      totalCount\n      edges {\n        node {\n          ...AlertFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Alerts($first: Int, $state: AlertState, $severity: AlertSeverity, $dagId: String) {\n    alerts(first: $first, state: $state, severity: $severity, dagId: $dagId) {\n      totalCount\n      edges {\n        node {\n          ...AlertFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AlertFired {\n    alertFired {\n      ...AlertFields\n    }\n  }\n"): (typeof documents)["\n  subscription AlertFired {\n    alertFired {\n      ...AlertFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AlertUpdated {\n    alertUpdated {\n      ...AlertFields\n    }\n  }\n"): (typeof documents)["\n  subscription AlertUpdated {\n    alertUpdated {\n      ...AlertFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcknowledgeAlert($id: ID!) {\n    acknowledgeAlert(id: $id) {\n      ...AlertFields\n    }\n  }\n"): (typeof documents)["\n  mutation AcknowledgeAlert($id: ID!) {\n    acknowledgeAlert(id: $id) {\n      ...AlertFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AlertRuleFields on AlertRule {\n    id\n    name\n    event\n    severity\n    enabled\n    dagIds\n    tags\n    taskIds\n    channelIds\n    throttleSeconds\n    mutedUntil\n    durationSeconds\n    deadlineTime\n    deadlineTimezone\n    freshnessHours\n    consecutiveFailures\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment AlertRuleFields on AlertRule {\n    id\n    name\n    event\n    severity\n    enabled\n    dagIds\n    tags\n    taskIds\n    channelIds\n    throttleSeconds\n    mutedUntil\n    durationSeconds\n    deadlineTime\n    deadlineTimezone\n    freshnessHours\n    consecutiveFailures\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertRules {\n    alertRules(first: 200) {\n      totalCount\n      edges {\n        node {\n          ...AlertRuleFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AlertRules {\n    alertRules(first: 200) {\n      totalCount\n      edges {\n        node {\n          ...AlertRuleFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAlertRule($input: CreateAlertRuleInput!) {\n    createAlertRule(input: $input) {\n      ...AlertRuleFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAlertRule($input: CreateAlertRuleInput!) {\n    createAlertRule(input: $input) {\n      ...AlertRuleFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAlertRule($id: ID!, $input: UpdateAlertRuleInput!) {\n    updateAlertRule(id: $id, input: $input) {\n      ...AlertRuleFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAlertRule($id: ID!, $input: UpdateAlertRuleInput!) {\n    updateAlertRule(id: $id, input: $input) {\n      ...AlertRuleFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAlertRule($id: ID!) {\n    deleteAlertRule(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteAlertRule($id: ID!) {\n    deleteAlertRule(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PreviewAlertRule($dagIds: [String!], $tags: [String!]) {\n    previewAlertRule(dagIds: $dagIds, tags: $tags)\n  }\n"): (typeof documents)["\n  query PreviewAlertRule($dagIds: [String!], $tags: [String!]) {\n    previewAlertRule(dagIds: $dagIds, tags: $tags)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AlertChannelFields on AlertChannel {\n    id\n    name\n    type\n    config\n    secretFields\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment AlertChannelFields on AlertChannel {\n    id\n    name\n    type\n    config\n    secretFields\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertChannels {\n    alertChannels(first: 200) {\n      totalCount\n      edges {\n        node {\n          ...AlertChannelFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AlertChannels {\n    alertChannels(first: 200) {\n      totalCount\n      edges {\n        node {\n          ...AlertChannelFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAlertChannel($input: CreateAlertChannelInput!) {\n    createAlertChannel(input: $input) {\n      ...AlertChannelFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAlertChannel($input: CreateAlertChannelInput!) {\n    createAlertChannel(input: $input) {\n      ...AlertChannelFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAlertChannel($id: ID!, $input: UpdateAlertChannelInput!) {\n    updateAlertChannel(id: $id, input: $input) {\n      ...AlertChannelFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAlertChannel($id: ID!, $input: UpdateAlertChannelInput!) {\n    updateAlertChannel(id: $id, input: $input) {\n      ...AlertChannelFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAlertChannel($id: ID!) {\n    deleteAlertChannel(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteAlertChannel($id: ID!) {\n    deleteAlertChannel(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestAlertChannel($id: ID!) {\n    testAlertChannel(id: $id) {\n      deliveryId\n      ok\n      statusCode\n      response\n    }\n  }\n"): (typeof documents)["\n  mutation TestAlertChannel($id: ID!) {\n    testAlertChannel(id: $id) {\n      deliveryId\n      ok\n      statusCode\n      response\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertDeliveries($channelId: ID, $first: Int) {\n    alertDeliveries(channelId: $channelId, first: $first) {\n      id\n      alertId\n      kind\n      status\n      attempts\n      lastStatusCode\n      lastResponse\n      createdAt\n      deliveredAt\n    }\n  }\n"): (typeof documents)["\n  query AlertDeliveries($channelId: ID, $first: Int) {\n    alertDeliveries(channelId: $channelId, first: $first) {\n      id\n      alertId\n      kind\n      status\n      attempts\n      lastStatusCode\n      lastResponse\n      createdAt\n      deliveredAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LogLineFields on TaskLogLine {\n    id\n    ts\n    level\n    message\n    tryNumber\n  }\n"): (typeof documents)["\n  fragment LogLineFields on TaskLogLine {\n    id\n    ts\n    level\n    message\n    tryNumber\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TaskLog($taskInstanceId: ID!, $tryNumber: Int, $afterId: ID, $first: Int) {\n    taskLog(taskInstanceId: $taskInstanceId, tryNumber: $tryNumber, afterId: $afterId, first: $first) {\n      ...LogLineFields\n    }\n  }\n"): (typeof documents)["\n  query TaskLog($taskInstanceId: ID!, $tryNumber: Int, $afterId: ID, $first: Int) {\n    taskLog(taskInstanceId: $taskInstanceId, tryNumber: $tryNumber, afterId: $afterId, first: $first) {\n      ...LogLineFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TaskLogAppended($taskInstanceId: ID!, $tryNumber: Int) {\n    taskLogAppended(taskInstanceId: $taskInstanceId, tryNumber: $tryNumber) {\n      ...LogLineFields\n    }\n  }\n"): (typeof documents)["\n  subscription TaskLogAppended($taskInstanceId: ID!, $tryNumber: Int) {\n    taskLogAppended(taskInstanceId: $taskInstanceId, tryNumber: $tryNumber) {\n      ...LogLineFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query XCom($taskInstanceId: ID!) {\n    xcom(taskInstanceId: $taskInstanceId) {\n      key\n      value\n      tryNumber\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  query XCom($taskInstanceId: ID!) {\n    xcom(taskInstanceId: $taskInstanceId) {\n      key\n      value\n      tryNumber\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClearTaskInstances($runId: ID!, $taskIds: [String!], $onlyFailed: Boolean!, $includeDownstream: Boolean!) {\n    clearTaskInstances(runId: $runId, taskIds: $taskIds, onlyFailed: $onlyFailed, includeDownstream: $includeDownstream) {\n      ...TaskInstanceFields\n    }\n  }\n"): (typeof documents)["\n  mutation ClearTaskInstances($runId: ID!, $taskIds: [String!], $onlyFailed: Boolean!, $includeDownstream: Boolean!) {\n    clearTaskInstances(runId: $runId, taskIds: $taskIds, onlyFailed: $onlyFailed, includeDownstream: $includeDownstream) {\n      ...TaskInstanceFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkTaskInstance($id: ID!, $state: MarkState!) {\n    markTaskInstance(id: $id, state: $state) {\n      ...TaskInstanceFields\n    }\n  }\n"): (typeof documents)["\n  mutation MarkTaskInstance($id: ID!, $state: MarkState!) {\n    markTaskInstance(id: $id, state: $state) {\n      ...TaskInstanceFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TaskTries($taskInstanceId: ID!) {\n    taskTries(taskInstanceId: $taskInstanceId) {\n      tryNumber\n      state\n      startedAt\n      endedAt\n      error\n      renderedWith\n    }\n  }\n"): (typeof documents)["\n  query TaskTries($taskInstanceId: ID!) {\n    taskTries(taskInstanceId: $taskInstanceId) {\n      tryNumber\n      state\n      startedAt\n      endedAt\n      error\n      renderedWith\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConnectionFields on Connection {\n    id\n    connId\n    type\n    description\n    config\n    secretFields\n    hasPassword\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment ConnectionFields on Connection {\n    id\n    connId\n    type\n    description\n    config\n    secretFields\n    hasPassword\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Connections($first: Int) {\n    connections(first: $first) {\n      totalCount\n      edges {\n        node {\n          ...ConnectionFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Connections($first: Int) {\n    connections(first: $first) {\n      totalCount\n      edges {\n        node {\n          ...ConnectionFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateConnection($input: CreateConnectionInput!) {\n    createConnection(input: $input) {\n      ...ConnectionFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateConnection($input: CreateConnectionInput!) {\n    createConnection(input: $input) {\n      ...ConnectionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateConnection($id: ID!, $input: UpdateConnectionInput!) {\n    updateConnection(id: $id, input: $input) {\n      ...ConnectionFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateConnection($id: ID!, $input: UpdateConnectionInput!) {\n    updateConnection(id: $id, input: $input) {\n      ...ConnectionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestConnection($id: ID!) {\n    testConnection(id: $id) {\n      ok\n      message\n    }\n  }\n"): (typeof documents)["\n  mutation TestConnection($id: ID!) {\n    testConnection(id: $id) {\n      ok\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    role\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n"): (typeof documents)["\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    role\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($name: String!, $role: Role!) {\n    createApiKey(name: $name, role: $role) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($name: String!, $role: Role!) {\n    createApiKey(name: $name, role: $role) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($first: Int, $after: String) {\n    auditLog(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          createdAt\n          action\n          actorType\n          actorId\n          targetType\n          targetId\n          details\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditLog($first: Int, $after: String) {\n    auditLog(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          createdAt\n          action\n          actorType\n          actorId\n          targetType\n          targetId\n          details\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MemberFields on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment MemberFields on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment InvitationFields on Invitation {\n    id\n    email\n    role\n    status\n    createdAt\n    expiresAt\n    acceptedAt\n    revokedAt\n  }\n"): (typeof documents)["\n  fragment InvitationFields on Invitation {\n    id\n    email\n    role\n    status\n    createdAt\n    expiresAt\n    acceptedAt\n    revokedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members {\n    members {\n      ...MemberFields\n    }\n  }\n"): (typeof documents)["\n  query Members {\n    members {\n      ...MemberFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Invitations {\n    invitations {\n      ...InvitationFields\n    }\n  }\n"): (typeof documents)["\n  query Invitations {\n    invitations {\n      ...InvitationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteMember($email: String!, $role: Role!) {\n    inviteMember(email: $email, role: $role) {\n      link\n      emailSent\n      emailError\n      invitation {\n        ...InvitationFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation InviteMember($email: String!, $role: Role!) {\n    inviteMember(email: $email, role: $role) {\n      link\n      emailSent\n      emailError\n      invitation {\n        ...InvitationFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MemberFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MemberFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      ...InvitationFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      ...InvitationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DagHeaderFields on Dag {\n    id\n    dagId\n    description\n    schedule\n    timezone\n    tags\n    paused\n    latestVersion\n    nextDagRunLogicalDate\n    nextDagRunDueAt\n  }\n"): (typeof documents)["\n  fragment DagHeaderFields on Dag {\n    id\n    dagId\n    description\n    schedule\n    timezone\n    tags\n    paused\n    latestVersion\n    nextDagRunLogicalDate\n    nextDagRunDueAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DagRunFields on DagRun {\n    id\n    dagId\n    runId\n    runType\n    state\n    logicalDate\n    dataIntervalStart\n    dataIntervalEnd\n    queuedAt\n    startedAt\n    endedAt\n    dagVersion\n  }\n"): (typeof documents)["\n  fragment DagRunFields on DagRun {\n    id\n    dagId\n    runId\n    runType\n    state\n    logicalDate\n    dataIntervalStart\n    dataIntervalEnd\n    queuedAt\n    startedAt\n    endedAt\n    dagVersion\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskInstanceFields on TaskInstance {\n    id\n    dagRunId\n    dagId\n    taskId\n    operator\n    state\n    tryNumber\n    maxTries\n    queuedAt\n    startedAt\n    endedAt\n    nextAttemptAt\n  }\n"): (typeof documents)["\n  fragment TaskInstanceFields on TaskInstance {\n    id\n    dagRunId\n    dagId\n    taskId\n    operator\n    state\n    tryNumber\n    maxTries\n    queuedAt\n    startedAt\n    endedAt\n    nextAttemptAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthPayloadFields on AuthPayload {\n    user {\n      id\n      email\n      name\n    }\n    tenant {\n      id\n      slug\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment AuthPayloadFields on AuthPayload {\n    user {\n      id\n      email\n      name\n    }\n    tenant {\n      id\n      slug\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...AuthPayloadFields\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...AuthPayloadFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($email: String!, $password: String!, $tenantName: String!) {\n    signUp(email: $email, password: $password, tenantName: $tenantName) {\n      ...AuthPayloadFields\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($email: String!, $password: String!, $tenantName: String!) {\n    signUp(email: $email, password: $password, tenantName: $tenantName) {\n      ...AuthPayloadFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptInvitation($token: String!, $password: String, $name: String) {\n    acceptInvitation(token: $token, password: $password, name: $name) {\n      ...AuthPayloadFields\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptInvitation($token: String!, $password: String, $name: String) {\n    acceptInvitation(token: $token, password: $password, name: $name) {\n      ...AuthPayloadFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      role\n      user {\n        id\n        email\n        name\n      }\n      tenant {\n        id\n        slug\n        name\n      }\n      memberships {\n        role\n        tenant {\n          id\n          slug\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      role\n      user {\n        id\n        email\n        name\n      }\n      tenant {\n        id\n        slug\n        name\n      }\n      memberships {\n        role\n        tenant {\n          id\n          slug\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SwitchTenant($tenantId: ID!) {\n    switchTenant(tenantId: $tenantId) {\n      ...AuthPayloadFields\n    }\n  }\n"): (typeof documents)["\n  mutation SwitchTenant($tenantId: ID!) {\n    switchTenant(tenantId: $tenantId) {\n      ...AuthPayloadFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dags($first: Int, $after: String, $tag: String, $paused: Boolean, $recentRuns: Int! = 14) {\n    dags(first: $first, after: $after, tag: $tag, paused: $paused) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagHeaderFields\n          recentRuns(limit: $recentRuns) {\n            ...DagRunFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Dags($first: Int, $after: String, $tag: String, $paused: Boolean, $recentRuns: Int! = 14) {\n    dags(first: $first, after: $after, tag: $tag, paused: $paused) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagHeaderFields\n          recentRuns(limit: $recentRuns) {\n            ...DagRunFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dag($dagId: String!) {\n    dag(dagId: $dagId) {\n      ...DagHeaderFields\n      taskIds\n      spec\n    }\n  }\n"): (typeof documents)["\n  query Dag($dagId: String!) {\n    dag(dagId: $dagId) {\n      ...DagHeaderFields\n      taskIds\n      spec\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseDag($dagId: String!) {\n    pauseDag(dagId: $dagId) {\n      ...DagHeaderFields\n    }\n  }\n"): (typeof documents)["\n  mutation PauseDag($dagId: String!) {\n    pauseDag(dagId: $dagId) {\n      ...DagHeaderFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnpauseDag($dagId: String!) {\n    unpauseDag(dagId: $dagId) {\n      ...DagHeaderFields\n    }\n  }\n"): (typeof documents)["\n  mutation UnpauseDag($dagId: String!) {\n    unpauseDag(dagId: $dagId) {\n      ...DagHeaderFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DagVersions($dagId: String!) {\n    dagVersions(dagId: $dagId) {\n      id\n      version\n      specHash\n      createdAt\n      spec\n    }\n  }\n"): (typeof documents)["\n  query DagVersions($dagId: String!) {\n    dagVersions(dagId: $dagId) {\n      id\n      version\n      specHash\n      createdAt\n      spec\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SchedulePreview($schedule: String!, $timezone: String!, $count: Int!, $after: DateTime) {\n    schedulePreview(schedule: $schedule, timezone: $timezone, count: $count, after: $after)\n  }\n"): (typeof documents)["\n  query SchedulePreview($schedule: String!, $timezone: String!, $count: Int!, $after: DateTime) {\n    schedulePreview(schedule: $schedule, timezone: $timezone, count: $count, after: $after)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DagRuns(\n    $dagId: String!\n    $state: DagRunState\n    $runType: RunType\n    $logicalDateFrom: DateTime\n    $logicalDateTo: DateTime\n    $first: Int\n    $after: String\n    $offset: Int\n  ) {\n    dagRuns(\n      dagId: $dagId\n      state: $state\n      runType: $runType\n      logicalDateFrom: $logicalDateFrom\n      logicalDateTo: $logicalDateTo\n      first: $first\n      after: $after\n      offset: $offset\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagRunFields\n          taskInstances {\n            ...TaskInstanceFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DagRuns(\n    $dagId: String!\n    $state: DagRunState\n    $runType: RunType\n    $logicalDateFrom: DateTime\n    $logicalDateTo: DateTime\n    $first: Int\n    $after: String\n    $offset: Int\n  ) {\n    dagRuns(\n      dagId: $dagId\n      state: $state\n      runType: $runType\n      logicalDateFrom: $logicalDateFrom\n      logicalDateTo: $logicalDateTo\n      first: $first\n      after: $after\n      offset: $offset\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagRunFields\n          taskInstances {\n            ...TaskInstanceFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DagPage($dagId: String!, $state: DagRunState, $runType: RunType, $logicalDateFrom: DateTime, $logicalDateTo: DateTime, $first: Int, $offset: Int) {\n    dag(dagId: $dagId) {\n      ...DagHeaderFields\n      taskIds\n      spec\n    }\n    dagRuns(dagId: $dagId, state: $state, runType: $runType, logicalDateFrom: $logicalDateFrom, logicalDateTo: $logicalDateTo, first: $first, offset: $offset) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagRunFields\n          taskInstances {\n            ...TaskInstanceFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DagPage($dagId: String!, $state: DagRunState, $runType: RunType, $logicalDateFrom: DateTime, $logicalDateTo: DateTime, $first: Int, $offset: Int) {\n    dag(dagId: $dagId) {\n      ...DagHeaderFields\n      taskIds\n      spec\n    }\n    dagRuns(dagId: $dagId, state: $state, runType: $runType, logicalDateFrom: $logicalDateFrom, logicalDateTo: $logicalDateTo, first: $first, offset: $offset) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DagRunFields\n          taskInstances {\n            ...TaskInstanceFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DagRun($id: ID!) {\n    dagRun(id: $id) {\n      ...DagRunFields\n      params\n      taskInstances {\n        ...TaskInstanceFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query DagRun($id: ID!) {\n    dagRun(id: $id) {\n      ...DagRunFields\n      params\n      taskInstances {\n        ...TaskInstanceFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TriggerDagRun($dagId: String!, $params: JSON, $logicalDate: DateTime) {\n    triggerDagRun(dagId: $dagId, params: $params, logicalDate: $logicalDate) {\n      ...DagRunFields\n    }\n  }\n"): (typeof documents)["\n  mutation TriggerDagRun($dagId: String!, $params: JSON, $logicalDate: DateTime) {\n    triggerDagRun(dagId: $dagId, params: $params, logicalDate: $logicalDate) {\n      ...DagRunFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelDagRun($id: ID!) {\n    cancelDagRun(id: $id) {\n      ...DagRunFields\n    }\n  }\n"): (typeof documents)["\n  mutation CancelDagRun($id: ID!) {\n    cancelDagRun(id: $id) {\n      ...DagRunFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BackfillDag($dagId: String!, $from: DateTime!, $to: DateTime!, $reprocess: Reprocess!, $maxActiveRuns: Int!) {\n    backfillDag(dagId: $dagId, from: $from, to: $to, reprocess: $reprocess, maxActiveRuns: $maxActiveRuns) {\n      backfill {\n        id\n        state\n        fromDate\n        toDate\n        reprocess\n      }\n      created {\n        ...DagRunFields\n      }\n      reprocessed {\n        ...DagRunFields\n      }\n      skipped\n    }\n  }\n"): (typeof documents)["\n  mutation BackfillDag($dagId: String!, $from: DateTime!, $to: DateTime!, $reprocess: Reprocess!, $maxActiveRuns: Int!) {\n    backfillDag(dagId: $dagId, from: $from, to: $to, reprocess: $reprocess, maxActiveRuns: $maxActiveRuns) {\n      backfill {\n        id\n        state\n        fromDate\n        toDate\n        reprocess\n      }\n      created {\n        ...DagRunFields\n      }\n      reprocessed {\n        ...DagRunFields\n      }\n      skipped\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DagRunUpdated($dagId: String) {\n    dagRunUpdated(dagId: $dagId) {\n      ...DagRunFields\n    }\n  }\n"): (typeof documents)["\n  subscription DagRunUpdated($dagId: String) {\n    dagRunUpdated(dagId: $dagId) {\n      ...DagRunFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TaskInstanceUpdated($runId: ID!) {\n    taskInstanceUpdated(runId: $runId) {\n      ...TaskInstanceFields\n    }\n  }\n"): (typeof documents)["\n  subscription TaskInstanceUpdated($runId: ID!) {\n    taskInstanceUpdated(runId: $runId) {\n      ...TaskInstanceFields\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
/** Documents of the Alerts section: inbox, rules, channels (typed by GraphQL Code Generator). */
import { graphql } from './generated';

graphql(`
  fragment AlertFields on Alert {
    id
    ruleId
    ruleName
    event
    severity
    state
    summary
    dagId
    runId
    dagRunId
    taskId
    occurrences
    notified
    firedAt
    lastEventAt
    resolvedAt
    acknowledgedAt
    acknowledgedBy
  }
`);

export const AlertsQuery = graphql(`
  query Alerts($first: Int, $state: AlertState, $severity: AlertSeverity, $dagId: String) {
    alerts(first: $first, state: $state, severity: $severity, dagId: $dagId) {
      totalCount
      edges {
        node {
          ...AlertFields
        }
      }
    }
  }
`);

export const AlertFiredSubscription = graphql(`
  subscription AlertFired {
    alertFired {
      ...AlertFields
    }
  }
`);

export const AlertUpdatedSubscription = graphql(`
  subscription AlertUpdated {
    alertUpdated {
      ...AlertFields
    }
  }
`);

export const AcknowledgeAlertMutation = graphql(`
  mutation AcknowledgeAlert($id: ID!) {
    acknowledgeAlert(id: $id) {
      ...AlertFields
    }
  }
`);

graphql(`
  fragment AlertRuleFields on AlertRule {
    id
    name
    event
    severity
    enabled
    dagIds
    tags
    taskIds
    channelIds
    throttleSeconds
    mutedUntil
    durationSeconds
    deadlineTime
    deadlineTimezone
    freshnessHours
    consecutiveFailures
    updatedAt
  }
`);

export const AlertRulesQuery = graphql(`
  query AlertRules {
    alertRules(first: 200) {
      totalCount
      edges {
        node {
          ...AlertRuleFields
        }
      }
    }
  }
`);

export const CreateAlertRuleMutation = graphql(`
  mutation CreateAlertRule($input: CreateAlertRuleInput!) {
    createAlertRule(input: $input) {
      ...AlertRuleFields
    }
  }
`);

export const UpdateAlertRuleMutation = graphql(`
  mutation UpdateAlertRule($id: ID!, $input: UpdateAlertRuleInput!) {
    updateAlertRule(id: $id, input: $input) {
      ...AlertRuleFields
    }
  }
`);

export const DeleteAlertRuleMutation = graphql(`
  mutation DeleteAlertRule($id: ID!) {
    deleteAlertRule(id: $id) {
      id
    }
  }
`);

export const PreviewAlertRuleQuery = graphql(`
  query PreviewAlertRule($dagIds: [String!], $tags: [String!]) {
    previewAlertRule(dagIds: $dagIds, tags: $tags)
  }
`);

graphql(`
  fragment AlertChannelFields on AlertChannel {
    id
    name
    type
    config
    secretFields
    updatedAt
  }
`);

export const AlertChannelsQuery = graphql(`
  query AlertChannels {
    alertChannels(first: 200) {
      totalCount
      edges {
        node {
          ...AlertChannelFields
        }
      }
    }
  }
`);

export const CreateAlertChannelMutation = graphql(`
  mutation CreateAlertChannel($input: CreateAlertChannelInput!) {
    createAlertChannel(input: $input) {
      ...AlertChannelFields
    }
  }
`);

export const UpdateAlertChannelMutation = graphql(`
  mutation UpdateAlertChannel($id: ID!, $input: UpdateAlertChannelInput!) {
    updateAlertChannel(id: $id, input: $input) {
      ...AlertChannelFields
    }
  }
`);

export const DeleteAlertChannelMutation = graphql(`
  mutation DeleteAlertChannel($id: ID!) {
    deleteAlertChannel(id: $id) {
      id
    }
  }
`);

export const TestAlertChannelMutation = graphql(`
  mutation TestAlertChannel($id: ID!) {
    testAlertChannel(id: $id) {
      deliveryId
      ok
      statusCode
      response
    }
  }
`);

export const AlertDeliveriesQuery = graphql(`
  query AlertDeliveries($channelId: ID, $first: Int) {
    alertDeliveries(channelId: $channelId, first: $first) {
      id
      alertId
      kind
      status
      attempts
      lastStatusCode
      lastResponse
      createdAt
      deliveredAt
    }
  }
`);

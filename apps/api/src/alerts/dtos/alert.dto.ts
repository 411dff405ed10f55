import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ALERT_CHANNEL_TYPES, ALERT_EVENT_DEFINITIONS, ALERT_EVENTS, ALERT_SEVERITIES } from '@tower/core';
import { GraphQLJSON } from 'graphql-type-json';
import { Connection, ConnectionArgs } from '../../common/pagination.js';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const AlertEventEnum = enumOf(ALERT_EVENTS);
export const AlertSeverityEnum = enumOf(ALERT_SEVERITIES);
export const AlertStateEnum = enumOf(['FIRING', 'RESOLVED'] as const);
export const AlertChannelTypeEnum = enumOf(ALERT_CHANNEL_TYPES);
export const AlertDeliveryKindEnum = enumOf(['TRIGGER', 'RESOLVE', 'TEST'] as const);
export const AlertDeliveryStatusEnum = enumOf(['PENDING', 'SENDING', 'DELIVERED', 'FAILED'] as const);

registerEnumType(AlertEventEnum, {
  name: 'AlertEvent',
  description: 'What an alert rule watches.',
  valuesMap: Object.fromEntries(ALERT_EVENTS.map((e) => [e, { description: ALERT_EVENT_DEFINITIONS[e].label }])),
});
registerEnumType(AlertSeverityEnum, { name: 'AlertSeverity' });
registerEnumType(AlertStateEnum, {
  name: 'AlertState',
  description: 'FIRING until the cause resolves; notifications (run succeeded, …) are RESOLVED at once.',
});
registerEnumType(AlertChannelTypeEnum, { name: 'AlertChannelType' });
registerEnumType(AlertDeliveryKindEnum, { name: 'AlertDeliveryKind' });
registerEnumType(AlertDeliveryStatusEnum, { name: 'AlertDeliveryStatus' });

@ObjectType('AlertChannel', { description: 'Where alerts go. Secrets are write-only: the API only says which are set.' })
export class AlertChannelModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => AlertChannelTypeEnum)
  type!: string;

  @Field(() => GraphQLJSON, { description: 'Non-secret settings (docs/alerts.md lists them per type)' })
  config!: unknown;

  @Field(() => [String], { description: 'Names of the secret fields that are set; never their values' })
  secretFields!: string[];

  @Field(() => String, { nullable: true, description: 'Id of the encryption key the secrets are under' })
  keyId!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType('AlertChannelConnection')
export class AlertChannelList extends Connection(AlertChannelModel, 'AlertChannel') {}

@InputType()
export class CreateAlertChannelInput {
  @Field()
  name!: string;

  @Field(() => AlertChannelTypeEnum)
  type!: string;

  @Field(() => GraphQLJSON, { nullable: true, description: 'WEBHOOK { url, headers? }; EMAIL { connection, to? }; PAGERDUTY { eventsUrl? }; SLACK {}' })
  config?: unknown;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'WEBHOOK { signingSecret }; SLACK { webhookUrl }; PAGERDUTY { routingKey }. Encrypted, never returned',
  })
  secrets?: unknown;
}

@InputType()
export class UpdateAlertChannelInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Replaces the whole config when given' })
  config?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'A patch: a string sets a field, null removes it, an absent field is kept' })
  secrets?: unknown;
}

@ObjectType('AlertChannelTestResult')
export class AlertChannelTestResult {
  @Field({ description: 'The receiver accepted the test message' })
  ok!: boolean;

  @Field(() => Int, { nullable: true, description: 'HTTP status (250 for an accepted email); null when there was no answer' })
  statusCode!: number | null;

  @Field({ description: 'What the receiver answered (clipped), or why there was no answer' })
  response!: string;

  @Field(() => ID, { description: 'The test delivery in the delivery log' })
  deliveryId!: string;
}

@ObjectType('AlertRule')
export class AlertRuleModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => AlertEventEnum)
  event!: string;

  @Field(() => AlertSeverityEnum)
  severity!: string;

  @Field(() => [String], { description: 'DAG ids (`*` matches any characters); empty = every DAG' })
  dagIds!: string[];

  @Field(() => [String], { description: 'DAGs with any of these tags; empty = any' })
  tags!: string[];

  @Field(() => [String], { description: 'Task ids (`*` wildcards) for task events; empty = any task' })
  taskIds!: string[];

  @Field(() => [ID])
  channelIds!: string[];

  @Field(() => Int, { nullable: true, description: 'RUN_DURATION: a run running longer than this' })
  durationSeconds!: number | null;

  @Field(() => String, { nullable: true, description: 'RUN_DEADLINE: HH:MM each day in deadlineTimezone' })
  deadlineTime!: string | null;

  @Field(() => String, { nullable: true, description: 'RUN_DEADLINE: an IANA zone' })
  deadlineTimezone!: string | null;

  @Field(() => Int, { nullable: true, description: 'FRESHNESS: no successful run for this many hours' })
  freshnessHours!: number | null;

  @Field(() => Int, { nullable: true, description: 'CONSECUTIVE_FAILURES: this many failed runs in a row' })
  consecutiveFailures!: number | null;

  @Field(() => Int, { description: 'At most one notification per DAG per this many seconds (0 = no throttle)' })
  throttleSeconds!: number;

  @Field(() => Date, { nullable: true, description: 'Alerts are recorded but not sent until then' })
  mutedUntil!: Date | null;

  @Field()
  enabled!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType('AlertRuleConnection')
export class AlertRuleList extends Connection(AlertRuleModel, 'AlertRule') {}

@InputType()
export class CreateAlertRuleInput {
  @Field()
  name!: string;

  @Field(() => AlertEventEnum)
  event!: string;

  @Field(() => AlertSeverityEnum, { nullable: true })
  severity?: string | null;

  @Field(() => [String], { nullable: true })
  dagIds?: string[] | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => [String], { nullable: true })
  taskIds?: string[] | null;

  @Field(() => [ID], { nullable: true })
  channelIds?: string[] | null;

  @Field(() => Int, { nullable: true })
  durationSeconds?: number | null;

  @Field(() => String, { nullable: true })
  deadlineTime?: string | null;

  @Field(() => String, { nullable: true })
  deadlineTimezone?: string | null;

  @Field(() => Int, { nullable: true })
  freshnessHours?: number | null;

  @Field(() => Int, { nullable: true })
  consecutiveFailures?: number | null;

  @Field(() => Int, { nullable: true })
  throttleSeconds?: number | null;

  @Field(() => Date, { nullable: true })
  mutedUntil?: Date | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;
}

@InputType({ description: 'A patch: absent fields are kept, null clears a nullable one.' })
export class UpdateAlertRuleInput extends CreateAlertRuleInput {
  @Field(() => String, { nullable: true })
  declare name: string;

  @Field(() => AlertEventEnum, { nullable: true })
  declare event: string;
}

@ArgsType()
export class AlertRulePreviewArgs {
  @Field(() => [String], { nullable: true })
  dagIds?: string[] | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;
}

@ObjectType('Alert')
export class AlertModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true, description: 'Null once the rule is deleted' })
  ruleId!: string | null;

  @Field()
  ruleName!: string;

  @Field(() => AlertEventEnum)
  event!: string;

  @Field(() => AlertSeverityEnum)
  severity!: string;

  @Field(() => AlertStateEnum)
  state!: string;

  @Field({ description: 'Events with the same rule and key fold into one alert while it fires' })
  dedupKey!: string;

  @Field({ description: 'False when the rule was muted or throttled: recorded, not sent' })
  notified!: boolean;

  @Field(() => String, { nullable: true })
  dagId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The run (DagRun.id)' })
  dagRunId!: string | null;

  @Field(() => String, { nullable: true })
  runId!: string | null;

  @Field(() => String, { nullable: true })
  taskId!: string | null;

  @Field()
  summary!: string;

  @Field(() => GraphQLJSON, { description: 'Error excerpt, failed tasks, logical date, …' })
  details!: unknown;

  @Field(() => Int)
  occurrences!: number;

  @Field()
  firedAt!: Date;

  @Field()
  lastEventAt!: Date;

  @Field(() => Date, { nullable: true })
  resolvedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The user or API key that acknowledged it' })
  acknowledgedBy!: string | null;
}

@ObjectType('AlertConnection')
export class AlertList extends Connection(AlertModel, 'Alert') {}

@ArgsType()
export class AlertsArgs extends ConnectionArgs {
  @Field(() => AlertStateEnum, { nullable: true })
  state?: 'FIRING' | 'RESOLVED' | null;

  @Field(() => AlertSeverityEnum, { nullable: true })
  severity?: string | null;

  @Field(() => String, { nullable: true })
  dagId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only alerts nobody acknowledged' })
  unacknowledged?: boolean | null;
}

@ObjectType('AlertDelivery', { description: 'One message to one channel: the delivery log.' })
export class AlertDeliveryModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true, description: 'Null for a channel test' })
  alertId!: string | null;

  @Field(() => ID)
  channelId!: string;

  @Field(() => AlertDeliveryKindEnum)
  kind!: string;

  @Field(() => AlertDeliveryStatusEnum)
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field({ description: 'When the next attempt is due (PENDING)' })
  nextAttemptAt!: Date;

  @Field(() => Int, { nullable: true })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true, description: "The receiver's last answer, clipped" })
  lastResponse!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;
}

@ArgsType()
export class AlertDeliveriesArgs {
  @Field(() => ID, { nullable: true })
  channelId?: string | null;

  @Field(() => ID, { nullable: true })
  alertId?: string | null;

  @Field(() => Int, { nullable: true, description: 'At most this many, newest first (default 50, at most 200)' })
  first?: number | null;
}

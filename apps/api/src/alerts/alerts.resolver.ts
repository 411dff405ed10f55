import { Args, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { Actor } from '../auth/actor.js';
import { AnyRole, CurrentActor, Roles } from '../auth/auth.decorators.js';
import { ConnectionArgs, keysetConnection, keysetPageArgs, offsetConnection, offsetPageArgs, pageSizeOf } from '../common/pagination.js';
import { inboxKeyOf } from '@tower/alerts';
import type { AlertSeverity } from '@tower/core';
import { alertFromSnapshot, AlertsService } from './alerts.service.js';
import {
  AlertChannelList,
  AlertChannelModel,
  AlertChannelTestResult,
  AlertDeliveriesArgs,
  AlertDeliveryModel,
  AlertList,
  AlertModel,
  AlertRuleList,
  AlertRuleModel,
  AlertRulePreviewArgs,
  AlertsArgs,
  CreateAlertChannelInput,
  CreateAlertRuleInput,
  UpdateAlertChannelInput,
  UpdateAlertRuleInput,
} from './dtos/alert.dto.js';

/**
 * Alert channels, rules and the inbox of the caller's tenant. Reading needs VIEWER; changing
 * channels and rules EDITOR; acknowledging an alert OPERATOR. Every mutation is audited (the
 * AuditInterceptor; secrets are redacted from its record).
 */
@Resolver()
export class AlertsResolver {
  constructor(private readonly service: AlertsService) {}

  @AnyRole()
  @Query(() => AlertChannelList, { description: 'Ordered by name.' })
  async alertChannels(@CurrentActor() actor: Actor, @Args() args: ConnectionArgs): Promise<AlertChannelList> {
    const page = offsetPageArgs(args);
    const all = await this.service.channels.list(actor.tenantId);
    return offsetConnection(all.slice(page.offset, page.offset + page.limit), page, all.length);
  }

  @AnyRole()
  @Query(() => AlertChannelModel, { description: 'NOT_FOUND when the tenant has no such channel.' })
  alertChannel(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<AlertChannelModel> {
    return this.service.channels.get(actor.tenantId, id);
  }

  @Roles('EDITOR')
  @Mutation(() => AlertChannelModel, { description: 'BAD_USER_INPUT with a path for an invalid config or secret; CONFLICT when the name exists.' })
  createAlertChannel(@CurrentActor() actor: Actor, @Args('input') input: CreateAlertChannelInput): Promise<AlertChannelModel> {
    return this.service.channels.create(actor.tenantId, input);
  }

  @Roles('EDITOR')
  @Mutation(() => AlertChannelModel)
  updateAlertChannel(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateAlertChannelInput,
  ): Promise<AlertChannelModel> {
    return this.service.channels.update(actor.tenantId, id, input);
  }

  @Roles('EDITOR')
  @Mutation(() => AlertChannelModel, { description: 'CONFLICT while a rule sends to it.' })
  deleteAlertChannel(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<AlertChannelModel> {
    return this.service.channels.delete(actor.tenantId, id);
  }

  @Roles('EDITOR')
  @Mutation(() => AlertChannelTestResult, { description: 'Sends a test message now and reports what the receiver answered (recorded in the delivery log).' })
  testAlertChannel(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<AlertChannelTestResult> {
    return this.service.test(actor.tenantId, id);
  }

  @AnyRole()
  @Query(() => AlertRuleList, { description: 'Ordered by name.' })
  async alertRules(@CurrentActor() actor: Actor, @Args() args: ConnectionArgs): Promise<AlertRuleList> {
    const page = offsetPageArgs(args);
    const all = await this.service.rules.list(actor.tenantId);
    return offsetConnection(all.slice(page.offset, page.offset + page.limit), page, all.length);
  }

  @AnyRole()
  @Query(() => AlertRuleModel)
  alertRule(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<AlertRuleModel> {
    return this.service.rules.get(actor.tenantId, id);
  }

  @AnyRole()
  @Query(() => [String], { description: "The tenant's DAG ids these filters match (a preview while editing a rule)." })
  previewAlertRule(@CurrentActor() actor: Actor, @Args() args: AlertRulePreviewArgs): Promise<string[]> {
    return this.service.rules.preview(actor.tenantId, args);
  }

  @Roles('EDITOR')
  @Mutation(() => AlertRuleModel, { description: "BAD_USER_INPUT with a path (an event's parameters, filters, channels); CONFLICT when the name exists." })
  createAlertRule(@CurrentActor() actor: Actor, @Args('input') input: CreateAlertRuleInput): Promise<AlertRuleModel> {
    return this.service.rules.create(actor.tenantId, { ...input });
  }

  @Roles('EDITOR')
  @Mutation(() => AlertRuleModel, { description: 'A patch over the rule (absent = keep, null = clear); mute with mutedUntil.' })
  updateAlertRule(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateAlertRuleInput,
  ): Promise<AlertRuleModel> {
    return this.service.rules.update(actor.tenantId, id, { ...input });
  }

  @Roles('EDITOR')
  @Mutation(() => AlertRuleModel, { description: "Resolves the rule's firing alerts (telling its channels), then deletes it; its alerts stay in the inbox." })
  deleteAlertRule(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<AlertRuleModel> {
    return this.service.deleteRule(actor.tenantId, id);
  }

  @AnyRole()
  @Query(() => AlertList, { description: 'The in-app inbox, newest first; stable pages while alerts arrive.' })
  async alerts(@CurrentActor() actor: Actor, @Args() args: AlertsArgs): Promise<AlertList> {
    const page = keysetPageArgs(args);
    const filters = { state: args.state, severity: args.severity as AlertSeverity | null | undefined, dagId: args.dagId, unacknowledged: args.unacknowledged };
    const { alerts, totalCount } = await this.service.inbox.list(actor.tenantId, filters, page.limit, page.afterKey);
    return keysetConnection(alerts.map(alertFromSnapshot), page, totalCount, inboxKeyOf);
  }

  @AnyRole()
  @Query(() => AlertModel, { description: 'NOT_FOUND for an alert of another tenant.' })
  async alert(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<AlertModel> {
    return alertFromSnapshot(await this.service.inbox.get(actor.tenantId, id));
  }

  @Roles('OPERATOR')
  @Mutation(() => AlertModel, { description: 'Marks the alert seen (idempotent); it keeps firing until its cause resolves.' })
  acknowledgeAlert(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<AlertModel> {
    return this.service.acknowledge(actor, id);
  }

  @AnyRole()
  @Query(() => [AlertDeliveryModel], { description: 'The delivery log, newest first: of a channel, of an alert, or all.' })
  async alertDeliveries(@CurrentActor() actor: Actor, @Args() args: AlertDeliveriesArgs): Promise<AlertDeliveryModel[]> {
    return this.service.inbox.deliveries(actor.tenantId, args, pageSizeOf(args.first));
  }

  @AnyRole()
  @Subscription(() => AlertModel, { description: "A new alert of the caller's tenant." })
  alertFired(@CurrentActor() actor: Actor) {
    return this.service.subscribe(actor, 'alertFired');
  }

  @AnyRole()
  @Subscription(() => AlertModel, {
    description: "Any change to an alert of the caller's tenant: fired, folded (one more occurrence), resolved, acknowledged.",
  })
  alertUpdated(@CurrentActor() actor: Actor) {
    return this.service.subscribe(actor, 'alertUpdated');
  }
}

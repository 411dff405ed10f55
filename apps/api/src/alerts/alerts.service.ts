import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  AlertChannelService,
  AlertDeliveryQueue,
  AlertInboxService,
  AlertRuleService,
  publishAlertWrites,
  testChannel,
  type AlertsDeps,
  type AlertWrites,
} from '@tower/alerts';
import type { TowerConfig } from '@tower/config';
import { notFound } from '@tower/core';
import { isUuid, type PrismaClient } from '@tower/db';
import { EventPublisher, type AlertSnapshot, type TowerEvent } from '@tower/events';
import type { Logger } from '@tower/logger';
import { keyringFromEnv } from '@tower/secrets';
import type { Redis } from 'ioredis';
import type { Actor } from '../auth/actor.js';
import { InjectConfig, InjectLogger, InjectPrisma, InjectRedis } from '../common/tokens.js';
import { EventStreamService } from '../events/event-stream.service.js';
import type { AlertModel } from './dtos/alert.dto.js';

type AlertEvent = Extract<TowerEvent, { kind: 'alert' }>;

export function alertFromSnapshot(a: AlertSnapshot): AlertModel {
  return {
    ...a,
    firedAt: new Date(a.firedAt),
    lastEventAt: new Date(a.lastEventAt),
    resolvedAt: a.resolvedAt ? new Date(a.resolvedAt) : null,
    acknowledgedAt: a.acknowledgedAt ? new Date(a.acknowledgedAt) : null,
  };
}

/**
 * The alert use cases the API exposes: @tower/alerts' services bound to this process's
 * connections. Writes that resolve alerts (deleting a rule) publish and queue after commit.
 */
@Injectable()
export class AlertsService implements OnModuleDestroy {
  readonly deps: AlertsDeps;
  readonly channels: AlertChannelService;
  readonly rules: AlertRuleService;
  readonly inbox: AlertInboxService;
  private readonly queue: AlertDeliveryQueue;

  constructor(
    @InjectPrisma() prisma: PrismaClient,
    @InjectRedis() redis: Redis,
    @InjectConfig() private readonly config: TowerConfig,
    @InjectLogger() logger: Logger,
    private readonly events: EventStreamService,
  ) {
    this.deps = {
      prisma,
      logger,
      keyring: keyringFromEnv(config.TOWER_ENCRYPTION_KEYS, config.NODE_ENV),
      clock: () => new Date(),
      events: new EventPublisher(redis, config.REDIS_PREFIX),
      webUrl: config.TOWER_WEB_URL,
    };
    this.channels = new AlertChannelService(this.deps);
    this.rules = new AlertRuleService(this.deps);
    this.inbox = new AlertInboxService(this.deps);
    this.queue = new AlertDeliveryQueue(redis, config.REDIS_PREFIX);
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }

  published(writes: AlertWrites): Promise<void> {
    return publishAlertWrites(this.deps, this.queue, writes);
  }

  async deleteRule(tenantId: string, id: string) {
    const rule = await this.rules.get(tenantId, id);
    const writes = await this.rules.delete(tenantId, id);
    await this.published(writes);
    return rule;
  }

  async acknowledge(actor: Actor, id: string): Promise<AlertModel> {
    const { alert, writes } = await this.inbox.acknowledge(actor.tenantId, id, actor.userId ? `user:${actor.userId}` : `apiKey:${actor.apiKeyId}`);
    await this.published(writes);
    return alertFromSnapshot(alert);
  }

  /** Sends a test message now (in this process, within the channel timeout) and says what the receiver answered. */
  async test(tenantId: string, id: string) {
    const channel = isUuid(id) ? await this.deps.prisma.alertChannel.findFirst({ where: { id, tenantId } }) : null;
    if (!channel) throw notFound(`alert channel ${id}`);
    return testChannel(this.deps, channel, this.config.ALERT_DELIVERY_TIMEOUT_MS);
  }

  /** New alerts of the caller's tenant (`fired`), or every change (`all`): opened, folded, resolved, acknowledged. */
  subscribe(actor: Actor, field: 'alertFired' | 'alertUpdated') {
    return this.events.iterate(
      actor,
      (e): e is AlertEvent => e.kind === 'alert' && (field === 'alertUpdated' || e.change === 'fired'),
      (e) => ({ [field]: alertFromSnapshot(e.alert) }),
    );
  }
}

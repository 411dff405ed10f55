import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { TowerConfig } from '@tower/config';
import { TowerError } from '@tower/core';
import { EventSubscriber, type TowerEvent } from '@tower/events';
import type { Logger } from '@tower/logger';
import type { Actor } from '../auth/actor.js';
import { principalOf } from '../auth/request-limits.js';
import { InjectConfig, InjectLogger } from '../common/tokens.js';
import { EventIterator } from './event-iterator.js';

/**
 * Whose events a subscription may see, and whose subscription it is: pass the Actor (its tenantId;
 * its apiKeyId or userId name the principal whose open subscriptions are counted). The role is
 * asked for so that only an Actor fits, not a bare `{ tenantId }` that would count for no one.
 */
export type TenantScope = Pick<Actor, 'tenantId' | 'role' | 'userId' | 'apiKeyId'>;

const READY_TIMEOUT_MS = 10_000;

/** `promise`, or a rejection saying `what` once READY_TIMEOUT_MS has passed. */
async function withinReadyTimeout(promise: Promise<unknown>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * ONE Redis subscriber connection per API process, fanned out in memory to graphql-ws
 * subscriptions; it listens to the channels of the tenants that have a subscription open.
 *
 *   @Subscription(() => TaskInstanceModel)
 *   taskInstanceUpdated(@CurrentActor() actor: Actor, @Args('runId') runId: string) {
 *     return this.events.iterate(actor, (e) => e.kind === 'taskInstance' && e.dagRunId === runId,
 *       (e) => ({ taskInstanceUpdated: toModel(e.taskInstance) }));
 *   }
 *
 * The tenant filter is not optional: `iterate` takes the caller's scope first and drops every event
 * of another tenant before the caller's filter runs.
 */
@Injectable()
export class EventStreamService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly subscriber: EventSubscriber;
  private readonly open = new Set<EventIterator<unknown>>();
  /** Open subscriptions per principal (principalOf), for SUBSCRIPTIONS_PER_PRINCIPAL. */
  private readonly openBy = new Map<string, number>();
  private readonly maxPerPrincipal: number;

  constructor(
    @InjectConfig() config: TowerConfig,
    @InjectLogger() private readonly logger: Logger,
  ) {
    this.subscriber = new EventSubscriber(config.REDIS_URL, config.REDIS_PREFIX);
    this.maxPerPrincipal = config.SUBSCRIPTIONS_PER_PRINCIPAL;
  }

  /** The app starts only once Redis answers the subscriber connection (fails fast otherwise). */
  async onApplicationBootstrap(): Promise<void> {
    await withinReadyTimeout(this.subscriber.whenReady(), 'cannot subscribe to Redis (REDIS_URL)');
  }

  iterate<E extends TowerEvent, T>(scope: TenantScope, filter: (e: TowerEvent) => e is E, map: (e: E) => T): Promise<EventIterator<T>>;
  iterate<T>(scope: TenantScope, filter: (e: TowerEvent) => boolean, map: (e: TowerEvent) => T): Promise<EventIterator<T>>;
  /**
   * Resolves once Redis acknowledged the tenant channel's SUBSCRIBE (at once when another
   * subscription of the tenant already holds it): every event published afterwards is delivered.
   */
  async iterate<T>(scope: TenantScope, filter: (e: TowerEvent) => boolean, map: (e: TowerEvent) => T): Promise<EventIterator<T>> {
    const tenantId = scope.tenantId;
    if (!tenantId) throw new Error('EventStreamService.iterate needs the caller tenant');
    const principal = principalOf(scope);
    const held = this.openBy.get(principal) ?? 0;
    if (this.maxPerPrincipal > 0 && held >= this.maxPerPrincipal)
      throw new TowerError('RATE_LIMITED', `${held} subscriptions are open for this user or API key on this API process, the most it may hold; end one first`, {
        details: { openSubscriptions: held, limit: this.maxPerPrincipal },
      });
    this.openBy.set(principal, held + 1);
    const iterator = new EventIterator<T>(
      () => {
        watch.unsubscribe();
        this.open.delete(iterator as EventIterator<unknown>);
        const left = (this.openBy.get(principal) ?? 1) - 1;
        if (left > 0) this.openBy.set(principal, left);
        else this.openBy.delete(principal);
      },
      (dropped) => this.logger.warn({ tenantId, dropped }, 'slow subscriber: dropped old events'),
    );
    // The channel is the tenant's own; the check stays as a second line of defence.
    const watch = this.subscriber.subscribe(tenantId, (event) => {
      if (event.tenantId !== tenantId || !filter(event)) return;
      iterator.push(map(event));
    });
    // Redis unreachable: the SUBSCRIBE would wait in the client's offline queue for ever; the
    // subscription fails instead (the client retries) and its handler is removed.
    try {
      await withinReadyTimeout(watch.ready, 'Redis did not acknowledge SUBSCRIBE');
    } catch (err) {
      await iterator.return();
      throw err;
    }
    this.open.add(iterator as EventIterator<unknown>);
    return iterator;
  }

  /** Open subscriptions (for tests and metrics). */
  get openCount(): number {
    return this.open.size;
  }

  async onModuleDestroy(): Promise<void> {
    // Completes every open subscription so graphql-ws clients see `complete`, then disconnects.
    await Promise.all([...this.open].map((it) => it.return()));
    await this.subscriber.close();
  }
}

import { Redis } from 'ioredis';
import { eventsChannel, principalRevocationsChannel, tryStopsChannel, type PrincipalRevocation, type TowerEvent, type TryStop } from './events.js';

/** Events per pub/sub message when publishing many. */
const PUBLISH_BATCH = 200;

/** Publishes events on Redis pub/sub. Fire-and-forget: Postgres holds the truth, events only notify. */
export class EventPublisher {
  private readonly stopsChannel: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.stopsChannel = tryStopsChannel(prefix);
  }

  /**
   * Tells workers that these task instances were moved away from running by someone else
   * (cleared, marked, canceled, timed out), so the tries still running there stop at once. A
   * channel of its own: workers then never parse the stream of every state change.
   */
  async publishTryStops(stops: readonly TryStop[]): Promise<void> {
    if (stops.length === 0) return;
    await this.redis.publish(this.stopsChannel, JSON.stringify(stops));
  }

  /** Tells every API process that these credentials were revoked (see PrincipalRevocation). */
  async publishRevocations(revocations: readonly PrincipalRevocation[]): Promise<void> {
    if (revocations.length === 0) return;
    await this.redis.publish(principalRevocationsChannel(this.prefix), JSON.stringify(revocations));
  }

  async publish(event: TowerEvent): Promise<void> {
    await this.redis.publish(eventsChannel(this.prefix, event.tenantId), JSON.stringify(event));
  }

  /**
   * Several events travel as one message per tenant (a JSON array, in their order): one publish and
   * one parse per batch.
   */
  async publishMany(events: readonly TowerEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (events.length === 1) return this.publish(events[0]);
    const byTenant = new Map<string, TowerEvent[]>();
    for (const e of events) {
      const mine = byTenant.get(e.tenantId);
      if (mine) mine.push(e);
      else byTenant.set(e.tenantId, [e]);
    }
    const pipeline = this.redis.pipeline();
    for (const [tenantId, mine] of byTenant) {
      const channel = eventsChannel(this.prefix, tenantId);
      for (let i = 0; i < mine.length; i += PUBLISH_BATCH) pipeline.publish(channel, JSON.stringify(mine.slice(i, i + PUBLISH_BATCH)));
    }
    await pipeline.exec();
  }
}

export type EventHandler = (event: TowerEvent) => void;

/**
 * One Redis subscriber connection per process, fanned out in memory to any number of handlers.
 * Handlers subscribe per tenant: the connection SUBSCRIBEs to a tenant's channel while at least
 * one handler watches that tenant, so a process receives (and parses) only the events of tenants
 * someone is watching.
 */
export class EventSubscriber {
  private readonly redis: Redis;
  private readonly handlers = new Map<string, { set: Set<EventHandler>; ready: Promise<unknown> }>();
  private readonly ready: Promise<unknown>;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    this.ready = this.redis.ping();
    this.redis.on('message', (channel: string, message: string) => {
      const watchers = this.handlers.get(channel)?.set;
      if (!watchers || watchers.size === 0) return;
      let parsed: TowerEvent | TowerEvent[];
      try {
        parsed = JSON.parse(message) as TowerEvent | TowerEvent[];
      } catch {
        return;
      }
      for (const event of Array.isArray(parsed) ? parsed : [parsed]) for (const h of watchers) h(event);
    });
  }

  /** Resolves once Redis answers (the process fails fast at boot when it cannot). */
  whenReady(): Promise<unknown> {
    return this.ready;
  }

  /**
   * Watches one tenant's events. `ready` resolves once Redis acknowledged the channel's SUBSCRIBE:
   * every event published after that reaches the handler.
   */
  subscribe(tenantId: string, handler: EventHandler): { ready: Promise<unknown>; unsubscribe: () => void } {
    const channel = eventsChannel(this.prefix, tenantId);
    let entry = this.handlers.get(channel);
    if (!entry) {
      entry = { set: new Set(), ready: this.redis.subscribe(channel) };
      entry.ready.catch(() => undefined);
      this.handlers.set(channel, entry);
    }
    entry.set.add(handler);
    const watched = entry;
    return {
      ready: watched.ready,
      unsubscribe: () => {
        watched.set.delete(handler);
        if (watched.set.size === 0 && this.handlers.get(channel) === watched) {
          this.handlers.delete(channel);
          this.redis.unsubscribe(channel).catch(() => undefined);
        }
      },
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Listens to one channel whose messages are JSON arrays of T, on a connection of its own. */
class ArrayChannelListener<T> {
  private readonly redis: Redis;
  private ready: Promise<unknown>;

  constructor(redisUrl: string, channel: string, handler: (item: T) => void) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    this.ready = this.redis.subscribe(channel);
    this.redis.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      try {
        for (const item of JSON.parse(message) as T[]) handler(item);
      } catch {
        // not ours
      }
    });
  }

  whenReady(): Promise<unknown> {
    return this.ready;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** A worker's view of try stops (see EventPublisher.publishTryStops). */
export class TryStopListener extends ArrayChannelListener<TryStop> {
  constructor(redisUrl: string, prefix: string, handler: (stop: TryStop) => void) {
    super(redisUrl, tryStopsChannel(prefix), handler);
  }
}

/** An API process's view of revoked credentials (see EventPublisher.publishRevocations). */
export class PrincipalRevocationListener extends ArrayChannelListener<PrincipalRevocation> {
  constructor(redisUrl: string, prefix: string, handler: (revocation: PrincipalRevocation) => void) {
    super(redisUrl, principalRevocationsChannel(prefix), handler);
  }
}

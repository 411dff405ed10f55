import { Redis } from 'ioredis';
import { eventsChannel, type TowerEvent } from './events.js';

/** Publishes events on Redis pub/sub. Fire-and-forget: Postgres holds the truth, events only notify. */
export class EventPublisher {
  private readonly channel: string;

  constructor(private readonly redis: Redis, prefix: string) {
    this.channel = eventsChannel(prefix);
  }

  async publish(event: TowerEvent): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(event));
  }

  async publishMany(events: readonly TowerEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const e of events) pipeline.publish(this.channel, JSON.stringify(e));
    await pipeline.exec();
  }
}

export type EventHandler = (event: TowerEvent) => void;

/**
 * One Redis subscriber connection per process, fanned out in memory to any number of handlers.
 * Tenant filtering happens in the handlers (the API's subscription resolvers).
 */
export class EventSubscriber {
  private readonly redis: Redis;
  private readonly handlers = new Set<EventHandler>();
  private ready: Promise<unknown>;

  constructor(redisUrl: string, prefix: string) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    const channel = eventsChannel(prefix);
    this.ready = this.redis.subscribe(channel);
    this.redis.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      let event: TowerEvent;
      try {
        event = JSON.parse(message) as TowerEvent;
      } catch {
        return;
      }
      for (const h of this.handlers) h(event);
    });
  }

  /** Resolves once the Redis SUBSCRIBE is acknowledged (events published before that are not seen). */
  whenReady(): Promise<unknown> {
    return this.ready;
  }

  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

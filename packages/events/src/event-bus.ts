import { Redis } from 'ioredis';
import { eventsChannel, tryStopsChannel, type TowerEvent, type TryStop } from './events.js';

/** Events per pub/sub message when publishing many. */
const PUBLISH_BATCH = 200;

/** Publishes events on Redis pub/sub. Fire-and-forget: Postgres holds the truth, events only notify. */
export class EventPublisher {
  private readonly channel: string;

  private readonly stopsChannel: string;

  constructor(private readonly redis: Redis, prefix: string) {
    this.channel = eventsChannel(prefix);
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

  async publish(event: TowerEvent): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(event));
  }

  /** Several events travel as one message (a JSON array): one publish and one parse per batch. */
  async publishMany(events: readonly TowerEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (events.length === 1) return this.publish(events[0]);
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < events.length; i += PUBLISH_BATCH) pipeline.publish(this.channel, JSON.stringify(events.slice(i, i + PUBLISH_BATCH)));
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
      // Nobody listening (an API with no open subscription): not even parsed.
      if (ch !== channel || this.handlers.size === 0) return;
      let parsed: TowerEvent | TowerEvent[];
      try {
        parsed = JSON.parse(message) as TowerEvent | TowerEvent[];
      } catch {
        return;
      }
      for (const event of Array.isArray(parsed) ? parsed : [parsed]) for (const h of this.handlers) h(event);
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

/** A worker's view of try stops (see EventPublisher.publishTryStops). */
export class TryStopListener {
  private readonly redis: Redis;
  private ready: Promise<unknown>;

  constructor(redisUrl: string, prefix: string, handler: (stop: TryStop) => void) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    const channel = tryStopsChannel(prefix);
    this.ready = this.redis.subscribe(channel);
    this.redis.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      try {
        for (const stop of JSON.parse(message) as TryStop[]) handler(stop);
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

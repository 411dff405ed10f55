import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { TowerConfig } from '@tower/config';
import { EventSubscriber, type TowerEvent } from '@tower/events';
import { CONFIG } from '../common/tokens.js';

/**
 * One Redis subscriber per API process, fanned out to graphql-ws subscriptions. The tenant filter
 * is part of the signature: a subscription cannot be built without it.
 */
@Injectable()
export class EventStreamService implements OnModuleDestroy {
  private readonly subscriber: EventSubscriber;

  constructor(@Inject(CONFIG) config: TowerConfig) {
    this.subscriber = new EventSubscriber(config.REDIS_URL, config.REDIS_PREFIX);
  }

  ready(): Promise<unknown> {
    return this.subscriber.whenReady();
  }

  iterate<T>(tenantId: string, filter: (e: TowerEvent) => boolean, map: (e: TowerEvent) => T): AsyncIterableIterator<T> {
    const queue: T[] = [];
    let waiting: ((r: IteratorResult<T>) => void) | null = null;
    let done = false;
    const unsubscribe = this.subscriber.subscribe((event) => {
      if (done || event.tenantId !== tenantId || !filter(event)) return;
      const value = map(event);
      if (waiting) {
        const w = waiting;
        waiting = null;
        w({ value, done: false });
      } else if (queue.length < 10_000) queue.push(value);
    });
    const finish = (): Promise<IteratorResult<T>> => {
      done = true;
      unsubscribe();
      if (waiting) waiting({ value: undefined as T, done: true });
      waiting = null;
      return Promise.resolve({ value: undefined as T, done: true });
    };
    return {
      next: () => {
        if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
        if (done) return Promise.resolve({ value: undefined as T, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: finish,
      throw: async (err?: unknown) => {
        await finish();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber.close();
  }
}

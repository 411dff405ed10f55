import type { PrismaClient, Prisma } from '@tower/db';
import type { EventPublisher } from '@tower/events';
import type { Logger } from '@tower/logger';
import type { TaskQueue } from '@tower/queue';

/** Everything the engine touches, passed by plain constructor injection. Time is a parameter. */
export interface EngineDeps {
  prisma: PrismaClient;
  queue: TaskQueue;
  events: EventPublisher;
  logger: Logger;
  clock: () => Date;
}

export type Tx = Prisma.TransactionClient;
export type DbClient = PrismaClient | Tx;

import type { PrismaClient, Prisma } from '@tower/db';
import type { EventPublisher } from '@tower/events';
import type { Logger } from '@tower/logger';
import type { TaskQueue } from '@tower/queue';
import type { Keyring } from '@tower/secrets';

/** Everything the engine touches, passed by plain constructor injection. Time is a parameter. */
export interface EngineDeps {
  prisma: PrismaClient;
  queue: TaskQueue;
  events: EventPublisher;
  logger: Logger;
  clock: () => Date;
  /** Encrypts and decrypts connection secrets (TOWER_ENCRYPTION_KEYS). */
  keyring: Keyring;
}

export type Tx = Prisma.TransactionClient;
export type DbClient = PrismaClient | Tx;

import type { PrismaClient, Prisma } from '@tower/db';
import type { EventPublisher, TowerEvent } from '@tower/events';
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

/**
 * Publishes events of state changes already committed: they are best-effort (the state is in
 * Postgres), so a failed publish is logged, never thrown — a caller's retry would redo committed
 * work or drop it. `what` names the events in the log line.
 */
export function publishCommitted(deps: EngineDeps, events: readonly TowerEvent[], what: string): Promise<void> {
  return deps.events.publishMany(events).catch((err: unknown) => deps.logger.warn({ err, events: events.length }, `publishing ${what} events failed`));
}

/**
 * The events and try-stop notices of an operator's change already committed (clear, mark, cancel),
 * best-effort as publishCommitted: a try whose stop notice is lost is stopped by its worker's next
 * heartbeat (the heartbeat reports tries no longer running), so the caller gets its committed result.
 */
export async function publishCommittedWithStops(deps: EngineDeps, events: readonly TowerEvent[], stops: Parameters<EngineDeps['events']['publishTryStops']>[0], what: string): Promise<void> {
  await publishCommitted(deps, events, what);
  await deps.events.publishTryStops(stops).catch((err: unknown) => deps.logger.warn({ err, stops: stops.length }, `publishing ${what} try stops failed; workers stop those tries on their next heartbeat`));
}

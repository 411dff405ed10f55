import type { PrismaClient } from '@tower/db';
import type { EventPublisher, TowerEvent, TryStop } from '@tower/events';
import type { Logger } from '@tower/logger';
import type { TaskQueue } from '@tower/queue';
import type { Keyring } from '@tower/secrets';
import type { LogArchive } from './log-archive.js';

/** Everything the engine touches, passed by plain constructor injection. Time is a parameter. */
export interface EngineDeps {
  prisma: PrismaClient;
  queue: TaskQueue;
  events: EventPublisher;
  logger: Logger;
  clock: () => Date;
  /** Encrypts and decrypts connection secrets (TOWER_ENCRYPTION_KEYS). */
  keyring: Keyring;
  /** Where finished tries' logs are archived (docs/retention.md); without it logs stay in Postgres until their retention. */
  logArchive?: LogArchive;
}

/**
 * Publishes events of state changes already committed: they are best-effort (the state is in
 * Postgres), so a failed publish is logged, never thrown — a caller's retry would redo committed
 * work or drop it. `what` names the events in the log line. `stops`: the try-stop notices of an
 * operator's change (clear, mark, cancel), best-effort too: a try whose notice is lost is stopped
 * by its worker's next heartbeat, which reports the tries no longer running.
 */
export async function publishCommitted(deps: EngineDeps, events: readonly TowerEvent[], what: string, stops: readonly TryStop[] = []): Promise<void> {
  await deps.events.publishMany(events).catch((err: unknown) => deps.logger.warn({ err, events: events.length }, `publishing ${what} events failed`));
  if (stops.length === 0) return;
  await deps.events
    .publishTryStops(stops)
    .catch((err: unknown) =>
      deps.logger.warn({ err, stops: stops.length }, `publishing ${what} try stops failed; workers stop those tries on their next heartbeat`),
    );
}

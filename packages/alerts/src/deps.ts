import type { PrismaClient } from '@tower/db';
import type { EventPublisher } from '@tower/events';
import type { Logger } from '@tower/logger';
import type { Keyring } from '@tower/secrets';

/** What the alerts package touches, by plain constructor injection. Time is a parameter. */
export interface AlertsDeps {
  prisma: PrismaClient;
  logger: Logger;
  keyring: Keyring;
  clock: () => Date;
  /** Publishes alert events (alertFired) after commit. */
  events: EventPublisher;
  /** The web app's public URL: links in messages point there. */
  webUrl: string;
}

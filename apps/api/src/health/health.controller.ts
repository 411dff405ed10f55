import { Controller, Get, type OnApplicationBootstrap, Res } from '@nestjs/common';
import { pendingMigrations, readVacuumStats, type PrismaClient } from '@tower/db';
import {
  inspectAdvisories,
  metricsEnabled,
  readinessResponse,
  registry,
  standardChecks,
  subscriptionsActive,
  vacuumAdvisory,
  type ReadinessAdvisory,
  type ReadinessCheck,
} from '@tower/telemetry';
import type { Logger } from '@tower/logger';
import type { Redis } from 'ioredis';
import { InjectLogger, InjectPrisma, InjectRedis } from '../common/tokens.js';
import { EventStreamService } from '../events/event-stream.service.js';

/** The part of Express's response these handlers use (the API has no @types/express). */
interface Response {
  status(code: number): Response;
  set(field: string, value: string): Response;
  type(contentType: string): Response;
  json(body: unknown): void;
  send(body: string): void;
}

/**
 * Health and metrics on the API's own port: the same paths the scheduler and the worker serve on
 * their ops port (`@tower/telemetry`'s ops server).
 */
@Controller()
export class HealthController implements OnApplicationBootstrap {
  private readonly checks: ReadinessCheck[];
  private readonly advisories: ReadinessAdvisory[];

  constructor(
    @InjectPrisma() private readonly prisma: PrismaClient,
    @InjectRedis() redis: Redis,
    private readonly events: EventStreamService,
    @InjectLogger() private readonly logger: Logger,
  ) {
    this.checks = standardChecks({
      pingPostgres: () => prisma.$queryRaw`SELECT 1`,
      pingRedis: () => redis.ping(),
      pendingMigrations: () => pendingMigrations(prisma),
    });
    this.advisories = [vacuumAdvisory((tables) => readVacuumStats(prisma, tables))];
  }

  /** The advisories' warnings (a server that does not vacuum) are logged once at start-up. */
  onApplicationBootstrap(): void {
    void inspectAdvisories(this.advisories).then((warnings) => {
      for (const [name, list] of Object.entries(warnings)) for (const warning of list) this.logger.warn({ advisory: name }, warning);
    });
  }

  /** Liveness + database reachability, for `npm start` and the e2e harness (kept for them). */
  @Get('health')
  async health(): Promise<{ status: string }> {
    await this.prisma.$queryRaw`SELECT 1`;
    return { status: 'ok' };
  }

  /** Liveness: the process answers. Nothing external is checked (a Postgres outage must not restart every API pod). */
  @Get('healthz')
  healthz(): { status: string } {
    return { status: 'ok' };
  }

  /** Readiness: Postgres and Redis reachable, migrations current; 503 names the failing checks. Warnings (vacuum) never make it unready. */
  @Get('readyz')
  async readyz(@Res() res: Response): Promise<void> {
    const { statusCode, body } = await readinessResponse(this.checks, this.advisories);
    res.status(statusCode).set('cache-control', 'no-store').json(body);
  }

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    if (!metricsEnabled()) {
      res.status(404).type('text/plain').send('metrics disabled\n');
      return;
    }
    subscriptionsActive.set(this.events.openCount);
    res
      .status(200)
      .type(registry.contentType)
      .send(await registry.metrics());
  }
}

import { keyringFromEnv } from '@tower/secrets';
import {
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { logArchiveConfig, type TowerConfig } from '@tower/config';
import {
  ApiKeyRepository,
  AuditLogRepository,
  createPrismaClient,
  DB_ROLES,
  InvitationRepository,
  MembershipRepository,
  poolStatsOf,
  SessionRepository,
  sqlOf,
  TenantRepository,
  UserRepository,
  type PrismaClient,
} from '@tower/db';
import { createEngine, type Engine } from '@tower/engine';
import { EventPublisher } from '@tower/events';
import type { Logger } from '@tower/logger';
import { createLogArchive } from '@tower/operators';
import { createCommandRedis, TaskQueue } from '@tower/queue';
import { observePool } from '@tower/telemetry';
import type { Redis } from 'ioredis';
import { Loaders } from '../common/loaders.js';
import { CONFIG, ENGINE, LOGGER, PRISMA, REDIS } from '../common/tokens.js';

/** Tenant-scoped repositories of @tower/db, injectable by class. */
const REPOSITORIES = [
  UserRepository,
  SessionRepository,
  ApiKeyRepository,
  AuditLogRepository,
  MembershipRepository,
  InvitationRepository,
  TenantRepository,
] as const;

/** Owns the process-wide connections: checks them at boot, closes them after the HTTP server stopped. */
@Injectable()
class InfraLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly queue: TaskQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Fail fast with a clear message rather than on the first request.
    try {
      await this.prisma.$queryRaw`SELECT 1`;
    } catch (err) {
      throw new Error(`cannot reach PostgreSQL (DATABASE_URL): ${(err as Error).message}`, { cause: err });
    }
    observePool(() => poolStatsOf(this.prisma));
    // Row-level security is the second wall of tenancy (docs/database.md): say so when a role
    // that bypasses it serves the API (a pooler that dropped the SET ROLE startup option, say).
    const [role] = await sqlOf(this.prisma).query<{ name: string; bypasses: boolean }>(
      'SELECT current_user AS name, rolsuper OR rolbypassrls AS bypasses FROM pg_roles WHERE rolname = current_user',
    );
    if (role?.bypasses)
      this.logger.error(
        { role: role.name },
        'the API works as a database role that bypasses row-level security: set DATABASE_SET_ROLE or the login role (docs/database.md)',
      );
  }

  beforeApplicationShutdown(signal?: string): void {
    this.logger.info({ signal }, 'api stopping');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch((err: unknown) => this.logger.warn({ err }, 'closing the task queue failed'));
    await this.redis.quit().catch(() => this.redis.disconnect());
    await this.prisma.$disconnect();
    this.logger.info('api stopped');
  }
}

/** The API's Postgres connections, kept open once opened (docs/database.md, "The API keeps its connections"). */
const API_POOL_SIZE = 10;

/**
 * Global: CONFIG, LOGGER, PRISMA, REDIS, ENGINE, the @tower/db repositories and the per-request
 * DataLoaders (Loaders) are injectable in every feature module without importing anything.
 */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: TowerConfig, logger: Logger): DynamicModule {
    return {
      module: InfraModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        {
          provide: PRISMA,
          useFactory: (c: TowerConfig) =>
            createPrismaClient(c.DATABASE_URL, {
              poolMax: API_POOL_SIZE,
              poolMin: API_POOL_SIZE,
              applicationName: 'tower-api',
              role: DB_ROLES.app,
              setRole: c.DATABASE_SET_ROLE,
            }),
          inject: [CONFIG],
        },
        { provide: REDIS, useFactory: (c: TowerConfig) => createCommandRedis(c.REDIS_URL, { commandTimeoutMs: c.REDIS_COMMAND_TIMEOUT_MS }), inject: [CONFIG] },
        { provide: TaskQueue, useFactory: (redis: Redis, c: TowerConfig) => new TaskQueue(redis, c.REDIS_PREFIX), inject: [REDIS, CONFIG] },
        {
          provide: ENGINE,
          useFactory: (prisma: PrismaClient, queue: TaskQueue, redis: Redis, c: TowerConfig, log: Logger): Engine =>
            createEngine({
              prisma,
              queue,
              events: new EventPublisher(redis, c.REDIS_PREFIX),
              logger: log,
              clock: () => new Date(),
              keyring: keyringFromEnv(c.TOWER_ENCRYPTION_KEYS, c.NODE_ENV),
              // taskLog reads archived logs back (docs/retention.md).
              logArchive: createLogArchive(logArchiveConfig(c)),
            }),
          inject: [PRISMA, TaskQueue, REDIS, CONFIG, LOGGER],
        },
        ...REPOSITORIES.map((Repo) => ({ provide: Repo, useFactory: (prisma: PrismaClient) => new Repo(prisma), inject: [PRISMA] })),
        InfraLifecycle,
        Loaders,
      ],
      exports: [CONFIG, LOGGER, PRISMA, REDIS, ENGINE, ...REPOSITORIES, Loaders],
    };
  }
}

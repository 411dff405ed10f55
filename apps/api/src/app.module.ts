import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import type { TowerConfig } from '@tower/config';
import type { PrismaClient } from '@tower/db';
import type { Engine } from '@tower/engine';
import type { Logger } from '@tower/logger';
import type { Redis } from 'ioredis';
import { AuditInterceptor } from './audit/audit.interceptor.js';
import { AuditResolver } from './audit/audit.resolver.js';
import type { GqlContext } from './auth/actor.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthResolver } from './auth/auth.resolver.js';
import { AuthService } from './auth/auth.service.js';
import { formatGraphqlError } from './common/errors.js';
import { CONFIG, ENGINE, LOGGER, PRISMA, REDIS } from './common/tokens.js';
import { DagsResolver } from './dags/dags.resolver.js';
import { EventStreamService } from './events/event-stream.service.js';
import { HealthController } from './health.controller.js';
import { RunsResolver } from './runs/runs.resolver.js';

export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql');

export interface ApiResources {
  config: TowerConfig;
  prisma: PrismaClient;
  engine: Engine;
  logger: Logger;
  redis: Redis;
  /** Authenticates graphql-ws connections; set once the Nest container exists. */
  authRef: { current: AuthService | null };
}

@Module({})
export class AppModule {
  static forRoot(res: ApiResources, schemaFile: string | false = SCHEMA_FILE): DynamicModule {
    return {
      module: AppModule,
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: schemaFile === false ? true : schemaFile,
          sortSchema: true,
          path: '/graphql',
          playground: false,
          introspection: true,
          subscriptions: {
            'graphql-ws': {
              path: '/graphql',
              onConnect: async (ctx) => {
                const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
                const authorization = (params.authorization ?? params.Authorization) as string | undefined;
                const actor = await res.authRef.current?.authenticate(authorization, { ip: null, userAgent: 'graphql-ws' });
                if (!actor) return false;
                (ctx.extra as { actor?: unknown }).actor = actor;
                return true;
              },
            },
          },
          context: (ctx: { req?: GqlContext['req']; extra?: { actor?: GqlContext['actor'] } }): GqlContext =>
            ctx.extra ? { actor: ctx.extra.actor } : { req: ctx.req },
          formatError: (formatted, error) => formatGraphqlError(formatted, error, (err) => res.logger.error({ err }, 'unhandled resolver error')),
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: CONFIG, useValue: res.config },
        { provide: PRISMA, useValue: res.prisma },
        { provide: ENGINE, useValue: res.engine },
        { provide: LOGGER, useValue: res.logger },
        { provide: REDIS, useValue: res.redis },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        AuthService,
        EventStreamService,
        AuthResolver,
        AuditResolver,
        DagsResolver,
        RunsResolver,
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import type { TowerConfig } from '@tower/config';
import type { Logger } from '@tower/logger';
import { AlertsModule } from './alerts/alerts.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AuthService } from './auth/auth.service.js';
import { PrincipalRevocations } from './auth/principal-revocations.js';
import { RequestLimits } from './auth/request-limits.js';
import { compileTrustProxy } from './common/graphql-context.js';
import { LOGGER } from './common/tokens.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { PoolsModule } from './pools/pools.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { DagSpecsModule } from './dag-specs/dag-specs.module.js';
import { DagsModule } from './dags/dags.module.js';
import { EventsModule } from './events/events.module.js';
import { GraphqlExceptionFilter } from './graphql/graphql-exception.filter.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import { HealthModule } from './health/health.module.js';
import { InfraModule } from './infra/infra.module.js';
import { MembersModule } from './members/members.module.js';
import { RunsModule } from './runs/runs.module.js';

/**
 * The feature modules that declare resolvers. Add a new capability here (one folder, one module):
 * the server and the schema generator (src/generate-schema.ts) both read this list.
 */
export const FEATURE_MODULES = [
  AuthModule,
  MembersModule,
  AuditModule,
  DagSpecsModule,
  DagsModule,
  RunsModule,
  ConnectionsModule,
  PoolsModule,
  AlertsModule,
  RetentionModule,
];

export interface AppModuleOptions {
  config: TowerConfig;
  logger: Logger;
  /** A path makes the server write the sorted SDL there at boot; true keeps it in memory. */
  autoSchemaFile: string | true;
}

@Module({})
export class AppModule {
  static forRoot(opts: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfraModule.forRoot(opts.config, opts.logger),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          // graphql-ws authenticates connections with the same service as the HTTP guard.
          imports: [AuthModule],
          inject: [AuthService, PrincipalRevocations, RequestLimits, LOGGER],
          useFactory: (auth: AuthService, revocations: PrincipalRevocations, limits: RequestLimits, logger: Logger) =>
            graphqlOptions({
              auth,
              revocations,
              limits,
              logger,
              autoSchemaFile: opts.autoSchemaFile,
              introspection: opts.config.GRAPHQL_INTROSPECTION,
              trustProxy: compileTrustProxy(opts.config.TRUST_PROXY),
            }),
        }),
        HealthModule,
        EventsModule,
        ...FEATURE_MODULES,
      ],
      providers: [{ provide: APP_FILTER, useClass: GraphqlExceptionFilter }],
    };
  }
}

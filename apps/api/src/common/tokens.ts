import { Inject } from '@nestjs/common';

/**
 * Injection tokens for the framework-free resources the API shares with the other processes.
 * All are provided once per process by the global InfraModule (src/infra/infra.module.ts).
 *
 * - CONFIG  TowerConfig (validated once at boot; nothing else reads process.env)
 * - LOGGER  pino Logger (redacts secrets)
 * - PRISMA  PrismaClient (one pool per process); prefer the tenant-scoped repositories of @tower/db
 * - REDIS   ioredis connection for commands (not for SUBSCRIBE: see EventStreamService)
 * - ENGINE  @tower/engine Engine (DAG and run use cases)
 */
export const CONFIG = Symbol('tower:config');
export const LOGGER = Symbol('tower:logger');
export const PRISMA = Symbol('tower:prisma');
export const REDIS = Symbol('tower:redis');
export const ENGINE = Symbol('tower:engine');

export const InjectConfig = () => Inject(CONFIG);
export const InjectLogger = () => Inject(LOGGER);
export const InjectPrisma = () => Inject(PRISMA);
export const InjectRedis = () => Inject(REDIS);
export const InjectEngine = () => Inject(ENGINE);

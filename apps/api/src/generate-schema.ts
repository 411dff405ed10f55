import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import { NestFactory } from '@nestjs/core';
import { GRAPHQL_SDL_FILE_HEADER, GraphQLSchemaBuilderModule, GraphQLSchemaFactory, RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { FEATURE_MODULES } from './app.module.js';
import { checkSchemaCovered, operationAccessOf, roleMatrixMarkdown } from './auth/role-matrix.js';
import { BUILD_SCHEMA_OPTIONS, ROLES_FILE, SCHEMA_FILE } from './graphql/graphql-options.js';

type ClassRef = abstract new (...args: never[]) => unknown;
type DynamicModuleRef = { module: ClassRef; providers?: unknown[]; imports?: unknown[] };

/** Resolver classes of the given modules and of the modules they import (static or dynamic). */
export function resolversOf(modules: readonly unknown[], seen = new Set<unknown>()): ClassRef[] {
  const out: ClassRef[] = [];
  for (const mod of modules) {
    if (!mod || seen.has(mod)) continue;
    seen.add(mod);
    const dynamic = typeof mod === 'object' ? (mod as DynamicModuleRef) : null;
    const cls = dynamic ? dynamic.module : mod;
    const providers = [...((Reflect.getMetadata(MODULE_METADATA.PROVIDERS, cls as object) as unknown[]) ?? []), ...(dynamic?.providers ?? [])];
    const imports = [...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, cls as object) as unknown[]) ?? []), ...(dynamic?.imports ?? [])];
    for (const p of providers) {
      if (typeof p === 'function' && Reflect.hasMetadata(RESOLVER_TYPE_METADATA, p) && !out.includes(p as ClassRef)) out.push(p as ClassRef);
    }
    for (const r of resolversOf(imports, seen)) if (!out.includes(r)) out.push(r);
  }
  return out;
}

/**
 * The SDL exactly as the server's autoSchemaFile writes it (same resolvers, options, sorting and
 * header), built without starting a server or touching Postgres/Redis, and the role matrix
 * (docs/roles.md). Throws (RoleDeclarationError) when an operation declares no access.
 */
export async function buildSchemaSdl(): Promise<{ sdl: string; roles: string }> {
  const resolvers = resolversOf(FEATURE_MODULES);
  const declared = operationAccessOf(resolvers);
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false, abortOnError: false });
  await app.init();
  try {
    const factory = app.get(GraphQLSchemaFactory);
    const schema = await factory.create(resolvers as unknown as Parameters<typeof factory.create>[0], BUILD_SCHEMA_OPTIONS);
    checkSchemaCovered(schema, declared);
    return { sdl: GRAPHQL_SDL_FILE_HEADER + printSchema(lexicographicSortSchema(schema)) + '\n', roles: roleMatrixMarkdown(declared) };
  } finally {
    await app.close();
  }
}

function argOf(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

// `node dist/generate-schema.js [--out FILE] [--roles FILE]` (default: apps/api/schema.graphql, docs/roles.md)
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { sdl, roles } = await buildSchemaSdl();
    writeFileSync(argOf('--out') ?? SCHEMA_FILE, sdl);
    writeFileSync(argOf('--roles') ?? ROLES_FILE, roles);
  } catch (err) {
    console.error(`schema: ${(err as Error).message}`);
    process.exit(1);
  }
}

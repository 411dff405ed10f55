import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { SCHEMA_FILE } from './app.module.js';
import { AuditResolver } from './audit/audit.resolver.js';
import { AuthResolver } from './auth/auth.resolver.js';
import { DagsResolver } from './dags/dags.resolver.js';
import { RunsResolver } from './runs/runs.resolver.js';

/** Prints the code-first schema without starting a server or touching Postgres/Redis. */
export async function buildSchemaSdl(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  await app.init();
  const schema = await app.get(GraphQLSchemaFactory).create([AuthResolver, AuditResolver, DagsResolver, RunsResolver]);
  await app.close();
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : SCHEMA_FILE;
writeFileSync(out, await buildSchemaSdl());

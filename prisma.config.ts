import { defineConfig } from 'prisma/config';

// The datasource URL is only needed by the standard CLI (migrate/studio) where its native engine
// can be downloaded; Tower's own scripts (scripts/db.mjs) migrate through the WebAssembly engine.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/tower' },
});

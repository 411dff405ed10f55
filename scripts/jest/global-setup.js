// Integration and e2e tests need the real PostgreSQL and Redis: fail fast with how to start them.
import { ensureServices } from '../lib/env.mjs';

export default async function globalSetup() {
  await ensureServices();
}

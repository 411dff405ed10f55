export * from './generated/prisma/client.js';
export { createPrismaClient } from './client.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';

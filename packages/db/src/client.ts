import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/prisma/client.js';

/** The process-wide client (one connection pool). */
export type Db = PrismaClient;

/** What a repository runs its queries on: the client, or the `tx` of an interactive transaction. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

export interface PrismaClientOptions {
  /** Connections in this process's pool (pg's default is 10). */
  poolMax?: number;
}

/** A Prisma client on the pg driver adapter (Prisma 7 has no built-in driver). */
export function createPrismaClient(databaseUrl: string, opts: PrismaClientOptions = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: opts.poolMax ?? 10 });
  // Tower's transactions are short compare-and-sets; Prisma's 5 s default expires them (P2028)
  // only when the machine is overloaded, and an expired one is rolled back — wait longer instead.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 30_000 } });
}

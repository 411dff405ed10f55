import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteString } from '../sql/lexer.js';
import { SESSION_MACROS } from './session-macros.js';

/** Schema for the emulator's own bookkeeping (COPY load history), hidden from SHOW. */
export const INTERNAL_SCHEMA = '__SF_INTERNAL';

/**
 * One embedded DuckDB instance for the whole emulator. Each Snowflake database is a separately
 * attached DuckDB database, so `DB.SCHEMA.TABLE` names resolve natively as
 * `catalog.schema.table`; with a data directory each database is its own file, which makes
 * DROP DATABASE a detach plus a file removal.
 */
export class DuckEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly admin: DuckDBConnection,
    readonly systemCatalog: string,
    private readonly dataDir: string | null,
  ) {}

  static async open(dataDir: string | null): Promise<DuckEngine> {
    if (dataDir) await mkdir(join(dataDir, 'databases'), { recursive: true });
    const instance = await DuckDBInstance.create(dataDir ? join(dataDir, 'system.duckdb') : ':memory:');
    const admin = await instance.connect();
    const reader = await admin.runAndReadAll('SELECT current_database()');
    const systemCatalog = String(reader.getRows()[0][0]);
    const engine = new DuckEngine(instance, admin, systemCatalog, dataDir);
    await admin.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(systemCatalog)}.${quoteIdent(INTERNAL_SCHEMA)}`);
    if (dataDir) {
      for (const file of await readdir(join(dataDir, 'databases'))) {
        if (!file.endsWith('.duckdb')) continue;
        const name = decodeURIComponent(file.slice(0, -'.duckdb'.length));
        await admin.run(`ATTACH ${quoteString(join(dataDir, 'databases', file))} AS ${quoteIdent(name)}`);
      }
    }
    return engine;
  }

  /** A connection for one Snowflake session, with the Snowflake-compatibility macros installed. */
  async connect(): Promise<DuckDBConnection> {
    const conn = await this.instance.connect();
    for (const sql of SESSION_MACROS) await conn.run(sql);
    await conn.run(`USE ${quoteIdent(this.systemCatalog)}.${quoteIdent(INTERNAL_SCHEMA)}`);
    return conn;
  }

  async databases(): Promise<string[]> {
    const reader = await this.admin.runAndReadAll(
      `SELECT database_name FROM duckdb_databases() WHERE NOT internal AND database_name <> ${quoteString(this.systemCatalog)} ORDER BY 1`,
    );
    return reader.getRows().map((r) => String(r[0]));
  }

  async databaseExists(name: string): Promise<boolean> {
    return (await this.databases()).includes(name);
  }

  async schemaExists(database: string, schema: string): Promise<boolean> {
    const reader = await this.admin.runAndReadAll(
      `SELECT 1 FROM duckdb_schemas() WHERE database_name = ${quoteString(database)} AND schema_name = ${quoteString(schema)}`,
    );
    return reader.currentRowCount > 0;
  }

  /** Creates (attaches) a database with its PUBLIC schema. Returns false when it already existed. */
  async createDatabase(name: string, orReplace = false): Promise<boolean> {
    const exists = await this.databaseExists(name);
    if (exists && !orReplace) return false;
    if (exists) await this.dropDatabase(name);
    const target = this.dataDir ? quoteString(this.databaseFile(name)) : `':memory:'`;
    await this.admin.run(`ATTACH ${target} AS ${quoteIdent(name)}`);
    await this.admin.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(name)}."PUBLIC"`);
    return true;
  }

  async dropDatabase(name: string): Promise<void> {
    await this.admin.run(`DETACH DATABASE ${quoteIdent(name)}`);
    if (this.dataDir) {
      const file = this.databaseFile(name);
      await rm(file, { force: true });
      await rm(`${file}.wal`, { force: true });
    }
  }

  async close(): Promise<void> {
    this.admin.closeSync();
    this.instance.closeSync();
  }

  private databaseFile(name: string): string {
    return join(this.dataDir as string, 'databases', `${encodeURIComponent(name)}.duckdb`);
  }
}

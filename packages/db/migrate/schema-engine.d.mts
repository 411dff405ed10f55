// Types for schema-engine.mjs (plain ESM so that scripts/db.mjs runs it without a build).
export declare const ROOT: string;
export declare const SCHEMA_PATH: string;
export declare const MIGRATIONS_DIR: string;
export declare const DEFAULT_DATABASE_URL: string;
export declare const START_POSTGRES: string;

export interface EnginePaths {
  migrationsDir?: string;
  schemaPath?: string;
}

/** Postgres did not answer (`unreachable`) or refused the connection; the message says what to do. */
export declare class DatabaseConnectionError extends Error {
  readonly unreachable: boolean;
  constructor(url: string, cause: unknown);
}

/** The schema engine refused or failed (a migration that does not apply, an invalid schema, …). */
export declare class SchemaEngineError extends Error {
  constructor(message: string, cause?: unknown);
}

export declare function withDatabase(url: string, database: string): string;
export declare function databaseName(url: string): string;
export declare function ensureDatabase(url: string): Promise<boolean>;
export declare function dropDatabase(url: string): Promise<void>;
export declare function migrationFolderName(name: string, now?: Date): string;
export declare function applyMigrations(url: string, paths?: EnginePaths): Promise<string[]>;
export declare function createMigration(url: string, name: string, opts?: EnginePaths & { now?: Date }): Promise<string | null>;
export declare function diffMigrationsToSchema(url: string, paths?: EnginePaths): Promise<string>;
export declare function diffDatabaseToSchema(url: string, paths?: Pick<EnginePaths, 'schemaPath'>): Promise<string>;

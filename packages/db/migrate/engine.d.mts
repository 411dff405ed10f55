export declare const ROOT: string;
export declare const SCHEMA_PATH: string;
export declare const MIGRATIONS_DIR: string;
export declare function applyMigrations(url: string, dir?: string): Promise<string[]>;
export declare function diffMigrationsToSchema(url: string, dir?: string): Promise<string>;
export declare function createDatabaseIfMissing(url: string): Promise<boolean>;
export declare function dropDatabase(url: string): Promise<void>;

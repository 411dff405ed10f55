import { quoteIdentifier, quoteQualifiedName, sqlString, sqlType } from './identifiers.js';

/** Where COPY reads from: one object (`key`) or every object under `prefix` (optionally matching `pattern`). */
export interface CopySource {
  bucket: string;
  key?: string;
  prefix?: string;
  /** Snowflake PATTERN: a regular expression over the paths under the prefix. */
  pattern?: string;
}

export interface AwsCredentials {
  keyId: string;
  secret: string;
  token?: string;
}

export type FileType = 'csv' | 'json' | 'parquet';

/** `with.fileFormat`: Snowflake's file format options in camelCase. */
export interface FileFormat {
  type: FileType;
  skipHeader?: number;
  fieldDelimiter?: string;
  fieldOptionallyEnclosedBy?: string;
  escape?: string;
  nullIf?: string[];
  emptyFieldAsNull?: boolean;
  errorOnColumnCountMismatch?: boolean;
  trimSpace?: boolean;
  stripOuterArray?: boolean;
  compression?: string;
}

const FORMAT_KEYS: Record<FileType, ReadonlyArray<keyof FileFormat>> = {
  csv: [
    'type',
    'skipHeader',
    'fieldDelimiter',
    'fieldOptionallyEnclosedBy',
    'escape',
    'nullIf',
    'emptyFieldAsNull',
    'errorOnColumnCountMismatch',
    'trimSpace',
    'compression',
  ],
  json: ['type', 'stripOuterArray', 'compression'],
  parquet: ['type', 'compression'],
};

/** The file type a key's extension implies (`.csv.gz` → csv, `.jsonl` → json); csv otherwise. */
export function fileTypeOf(key: string | undefined): FileType {
  const name = (key ?? '').toLowerCase().replace(/\.(gz|gzip|bz2|zst|deflate)$/, '');
  if (/\.(json|jsonl|ndjson)$/.test(name)) return 'json';
  if (name.endsWith('.parquet')) return 'parquet';
  return 'csv';
}

/**
 * Validates `with.fileFormat` (an unknown or misspelt option is an error, not ignored) and fills
 * the defaults: the type from the key's extension, CSV fields optionally enclosed by `"` (what
 * Tower's writers and most CSV producers emit), SKIP_HEADER = `defaultSkipHeader`.
 */
export function normalizeFileFormat(input: unknown, key: string | undefined, defaultSkipHeader: number): FileFormat {
  const raw = (input ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('fileFormat must be an object');
  const type = (raw.type === undefined ? fileTypeOf(key) : String(raw.type).toLowerCase()) as FileType;
  if (!(type in FORMAT_KEYS)) throw new Error(`fileFormat.type must be csv, json or parquet, got ${String(raw.type)}`);
  const unknown = Object.keys(raw).filter((k) => !(FORMAT_KEYS[type] as string[]).includes(k));
  if (unknown.length) throw new Error(`fileFormat option(s) ${unknown.join(', ')} not supported for ${type} (supported: ${FORMAT_KEYS[type].join(', ')})`);
  const format = { ...raw, type } as FileFormat;
  if (type === 'csv') {
    format.skipHeader ??= defaultSkipHeader;
    format.fieldOptionallyEnclosedBy ??= '"';
    if (!Number.isInteger(format.skipHeader) || format.skipHeader < 0) throw new Error('fileFormat.skipHeader must be a non-negative integer');
    for (const k of ['fieldDelimiter', 'fieldOptionallyEnclosedBy', 'escape'] as const) {
      if (format[k] !== undefined && (typeof format[k] !== 'string' || format[k] === '')) throw new Error(`fileFormat.${k} must be a non-empty string`);
    }
    if (format.nullIf !== undefined && (!Array.isArray(format.nullIf) || format.nullIf.some((v) => typeof v !== 'string')))
      throw new Error('fileFormat.nullIf must be an array of strings');
  }
  for (const k of ['emptyFieldAsNull', 'errorOnColumnCountMismatch', 'trimSpace', 'stripOuterArray'] as const) {
    if (format[k] !== undefined && typeof format[k] !== 'boolean') throw new Error(`fileFormat.${k} must be a boolean`);
  }
  if (format.compression !== undefined && !/^[A-Za-z0-9_]+$/.test(String(format.compression)))
    throw new Error('fileFormat.compression must be a word such as AUTO, GZIP or NONE');
  return format;
}

export function fileFormatClause(f: FileFormat): string {
  const parts = [`TYPE = ${f.type.toUpperCase()}`];
  if (f.skipHeader !== undefined) parts.push(`SKIP_HEADER = ${f.skipHeader}`);
  if (f.fieldDelimiter !== undefined) parts.push(`FIELD_DELIMITER = ${sqlString(f.fieldDelimiter)}`);
  if (f.fieldOptionallyEnclosedBy !== undefined) parts.push(`FIELD_OPTIONALLY_ENCLOSED_BY = ${sqlString(f.fieldOptionallyEnclosedBy)}`);
  if (f.escape !== undefined) parts.push(`ESCAPE = ${sqlString(f.escape)}`);
  if (f.nullIf !== undefined) parts.push(`NULL_IF = (${f.nullIf.map(sqlString).join(', ')})`);
  const bools = {
    emptyFieldAsNull: 'EMPTY_FIELD_AS_NULL',
    errorOnColumnCountMismatch: 'ERROR_ON_COLUMN_COUNT_MISMATCH',
    trimSpace: 'TRIM_SPACE',
    stripOuterArray: 'STRIP_OUTER_ARRAY',
  } as const;
  for (const [k, option] of Object.entries(bools) as Array<[keyof typeof bools, string]>) {
    if (f[k] !== undefined) parts.push(`${option} = ${f[k] ? 'TRUE' : 'FALSE'}`);
  }
  if (f.compression !== undefined) parts.push(`COMPRESSION = ${f.compression.toUpperCase()}`);
  return `FILE_FORMAT = (${parts.join(' ')})`;
}

/** `abort_statement`, `continue`, `skip_file`, `skip_file_<n>`, `skip_file_<n>%` (any case). */
export function onErrorClause(onError: string): string {
  const v = onError.trim().toUpperCase();
  if (!/^(ABORT_STATEMENT|CONTINUE|SKIP_FILE(_\d+%?)?)$/.test(v))
    throw new Error(`onError must be abort_statement, continue, skip_file, skip_file_<n> or skip_file_<n>%, got ${onError}`);
  return `ON_ERROR = ${v.endsWith('%') ? sqlString(v) : v}`;
}

/** The location clause: a single key loads exactly that object (FILES), not every key it prefixes. */
function locationClause(source: CopySource): string {
  if (source.key !== undefined) {
    const slash = source.key.lastIndexOf('/');
    const dir = source.key.slice(0, slash + 1);
    const name = source.key.slice(slash + 1);
    return `FROM ${sqlString(`s3://${source.bucket}/${dir}`)} FILES = (${sqlString(name)})`;
  }
  const from = `FROM ${sqlString(`s3://${source.bucket}/${source.prefix ?? ''}`)}`;
  return source.pattern ? `${from} PATTERN = ${sqlString(source.pattern)}` : from;
}

export interface CopyStatementInput {
  table: string;
  source: CopySource;
  credentials: AwsCredentials;
  fileFormat: FileFormat;
  onError?: string;
  matchByColumnName?: string;
}

/**
 * `COPY INTO <table> FROM 's3://…' CREDENTIALS = (…) FILE_FORMAT = (…) [ON_ERROR] [MATCH_BY_COLUMN_NAME]`.
 * Never FORCE: Snowflake's load metadata (file + ETag) is what makes a retry load nothing twice.
 * The result holds the credentials: log it only through redactSql.
 */
export function copyIntoSql(input: CopyStatementInput): string {
  const c = input.credentials;
  const creds = `CREDENTIALS = (AWS_KEY_ID = ${sqlString(c.keyId)} AWS_SECRET_KEY = ${sqlString(c.secret)}${c.token ? ` AWS_TOKEN = ${sqlString(c.token)}` : ''})`;
  const parts = [`COPY INTO ${quoteQualifiedName(input.table)}`, locationClause(input.source), creds, fileFormatClause(input.fileFormat)];
  if (input.onError) parts.push(onErrorClause(input.onError));
  if (input.matchByColumnName) {
    const m = input.matchByColumnName.toUpperCase();
    if (!['CASE_SENSITIVE', 'CASE_INSENSITIVE', 'NONE'].includes(m))
      throw new Error(`matchByColumnName must be case_sensitive, case_insensitive or none, got ${input.matchByColumnName}`);
    parts.push(`MATCH_BY_COLUMN_NAME = ${m}`);
  }
  return parts.join(' ');
}

export interface ColumnDef {
  name: string;
  type: string;
}

/** `CREATE TABLE IF NOT EXISTS <table> ("A" VARCHAR, …)`. */
export function createTableSql(table: string, columns: readonly ColumnDef[]): string {
  if (columns.length === 0) throw new Error('createTable needs at least one column');
  const defs = columns.map((c) => `${quoteIdentifier(c.name)} ${sqlType(c.type)}`);
  return `CREATE TABLE IF NOT EXISTS ${quoteQualifiedName(table)} (${defs.join(', ')})`;
}

/** `CREATE SCHEMA IF NOT EXISTS` for the schema part of a qualified table name, if it has one. */
export function createSchemaSql(schemaOfTable: string[]): string | undefined {
  if (schemaOfTable.length < 2) return undefined;
  return `CREATE SCHEMA IF NOT EXISTS ${schemaOfTable.slice(0, -1).map(quoteIdentifier).join('.')}`;
}

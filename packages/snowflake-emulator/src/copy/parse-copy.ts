import { SnowflakeError, unsupported } from '../errors/snowflake-error.js';
import { type Token, identName, isOp, isWord, significant } from '../sql/lexer.js';
import type { TranslateOptions } from '../sql/translate.js';
import { readObjectName } from '../sql/object-name.js';

type OptionValue = string | OptionValue[] | { [key: string]: OptionValue };
type Options = Record<string, OptionValue>;

export type OnError = { mode: 'ABORT_STATEMENT' | 'CONTINUE' | 'SKIP_FILE'; limit: number; percent: boolean };

export interface FileFormat {
  type: 'CSV' | 'JSON' | 'PARQUET';
  skipHeader: number;
  fieldDelimiter: string;
  enclosedBy: string | null;
  escape: string | null;
  nullIf: string[];
  emptyFieldAsNull: boolean;
  errorOnColumnCountMismatch: boolean;
  trimSpace: boolean;
  stripOuterArray: boolean;
  compression: string;
}

export interface CopyStatement {
  table: string[];
  columns: string[] | null;
  bucket: string;
  prefix: string;
  credentials: { keyId?: string; secret?: string; token?: string };
  format: FileFormat;
  files: string[] | null;
  pattern: RegExp | null;
  onError: OnError;
  force: boolean;
  matchByColumnName: 'NONE' | 'CASE_SENSITIVE' | 'CASE_INSENSITIVE';
}

/**
 * Parses `COPY INTO <table> [(cols)] FROM 's3://bucket/prefix' <options>`. Options may appear in
 * any order, separated by spaces or commas, with nested `( … )` groups, as Snowflake allows.
 */
export function parseCopy(tokens: Token[], opts: TranslateOptions): CopyStatement {
  const sig = significant(tokens);
  if (!isWord(sig[1], 'INTO')) throw unsupported('COPY without INTO');
  if (sig[2]?.kind === 'string' || isOp(sig[2], '@')) throw unsupported('COPY INTO <location> (unloading)');
  const nameRead = readObjectName(tokens, tokens.indexOf(sig[2]), opts);
  let i = sig.findIndex((t) => t.pos >= (tokens[nameRead.end]?.pos ?? Infinity));
  if (i < 0) i = sig.length;
  let columns: string[] | null = null;
  if (isOp(sig[i], '(')) {
    columns = [];
    for (i++; i < sig.length && !isOp(sig[i], ')'); i++) if (sig[i].kind === 'ident' || sig[i].kind === 'qident') columns.push(identName(sig[i]));
    i++;
  }
  if (!isWord(sig[i], 'FROM')) throw new SnowflakeError('001003', '42000', 'SQL compilation error:\nsyntax error: COPY INTO expects FROM.');
  const from = sig[i + 1];
  if (isOp(from, '@')) throw unsupported('COPY INTO from a named stage (use an s3:// location)');
  if (isOp(from, '(')) throw unsupported('COPY INTO with a transformation query');
  const location = from?.kind === 'string' ? from.value : from?.kind === 'param' ? opts.bindRaw(from.value) : null;
  const url = location?.match(/^s3a?:\/\/([^/]+)\/?(.*)$/i);
  if (!url) throw unsupported(`COPY INTO from '${location ?? ''}' (only s3:// locations are emulated)`);

  const options = readOptions(sig, i + 2, sig.length, opts);
  const creds = asRecord(options.CREDENTIALS);
  const fileFormat = asRecord(options.FILE_FORMAT);
  if (fileFormat.FORMAT_NAME) throw unsupported('FILE_FORMAT = (FORMAT_NAME = …)');
  const type = str(fileFormat.TYPE, 'CSV').toUpperCase();
  if (type !== 'CSV' && type !== 'JSON' && type !== 'PARQUET') throw unsupported(`FILE_FORMAT TYPE = ${type}`);

  const nullIf = options.NULL_IF ?? fileFormat.NULL_IF;
  const format: FileFormat = {
    type,
    skipHeader: Number(str(fileFormat.SKIP_HEADER, '0')),
    fieldDelimiter: noneOr(str(fileFormat.FIELD_DELIMITER, ','), ','),
    enclosedBy: noneOr(str(fileFormat.FIELD_OPTIONALLY_ENCLOSED_BY, 'NONE'), null),
    escape: noneOr(str(fileFormat.ESCAPE, 'NONE'), null),
    nullIf: nullIf === undefined ? ['\\N'] : Array.isArray(nullIf) ? nullIf.map((v) => String(v)) : [String(nullIf)],
    emptyFieldAsNull: bool(fileFormat.EMPTY_FIELD_AS_NULL, true),
    errorOnColumnCountMismatch: bool(fileFormat.ERROR_ON_COLUMN_COUNT_MISMATCH, true),
    trimSpace: bool(fileFormat.TRIM_SPACE, false),
    stripOuterArray: bool(fileFormat.STRIP_OUTER_ARRAY, false),
    compression: str(fileFormat.COMPRESSION, 'AUTO').toUpperCase(),
  };
  const files = options.FILES === undefined ? null : (Array.isArray(options.FILES) ? options.FILES : [options.FILES]).map(String);
  const pattern = options.PATTERN === undefined ? null : new RegExp(`^(?:${str(options.PATTERN, '')})$`);
  const match = str(options.MATCH_BY_COLUMN_NAME, 'NONE').toUpperCase();
  return {
    table: nameRead.name,
    columns,
    bucket: url[1],
    prefix: url[2],
    credentials: { keyId: optional(creds.AWS_KEY_ID), secret: optional(creds.AWS_SECRET_KEY), token: optional(creds.AWS_TOKEN) },
    format,
    files,
    pattern,
    onError: parseOnError(str(options.ON_ERROR, 'ABORT_STATEMENT')),
    force: bool(options.FORCE, false),
    matchByColumnName: match === 'CASE_SENSITIVE' || match === 'CASE_INSENSITIVE' ? match : 'NONE',
  };
}

function parseOnError(value: string): OnError {
  const v = value.toUpperCase();
  if (v === 'CONTINUE') return { mode: 'CONTINUE', limit: Infinity, percent: false };
  const skip = v.match(/^SKIP_FILE(?:_(\d+)(%?))?$/);
  if (skip) return { mode: 'SKIP_FILE', limit: skip[1] ? Number(skip[1]) : 1, percent: skip[2] === '%' };
  if (v === 'ABORT_STATEMENT') return { mode: 'ABORT_STATEMENT', limit: 1, percent: false };
  throw new SnowflakeError('001003', '42000', `SQL compilation error:\ninvalid value [${value}] for parameter 'ON_ERROR'`);
}

/** KEY = value pairs until `end`; values are strings, bare words, or ( … ) groups. */
function readOptions(sig: Token[], i: number, end: number, opts: TranslateOptions): Options {
  const out: Options = {};
  while (i < end) {
    if (isOp(sig[i], ',')) {
      i++;
      continue;
    }
    const key = sig[i].text.toUpperCase();
    if (!isOp(sig[i + 1], '=')) throw new SnowflakeError('001003', '42000', `SQL compilation error:\nsyntax error: unexpected '${sig[i].text}'.`);
    const [value, next] = readValue(sig, i + 2, opts);
    out[key] = value;
    i = next;
  }
  return out;
}

function readValue(sig: Token[], i: number, opts: TranslateOptions): [OptionValue, number] {
  const t = sig[i];
  if (!t) throw new SnowflakeError('001003', '42000', 'SQL compilation error:\nsyntax error: unexpected end of COPY options.');
  if (!isOp(t, '(')) return [scalar(t, opts), i + 1];
  let close = i + 1;
  for (let depth = 1; close < sig.length; close++) {
    if (isOp(sig[close], '(')) depth++;
    else if (isOp(sig[close], ')') && --depth === 0) break;
  }
  const isPairs = isOp(sig[i + 2], '=');
  if (isPairs) return [readOptions(sig, i + 1, close, opts), close + 1];
  const list: OptionValue[] = [];
  for (let k = i + 1; k < close; k++) if (!isOp(sig[k], ',')) list.push(scalar(sig[k], opts));
  return [list, close + 1];
}

function scalar(t: Token, opts: TranslateOptions): string {
  if (t.kind === 'string') return t.value;
  if (t.kind === 'param') return opts.bindRaw(t.value) ?? '';
  return t.text.toUpperCase();
}

const asRecord = (v: OptionValue | undefined): Record<string, OptionValue> => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
const str = (v: OptionValue | undefined, dflt: string): string => (typeof v === 'string' ? v : dflt);
const optional = (v: OptionValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: OptionValue | undefined, dflt: boolean): boolean => (typeof v === 'string' ? v.toUpperCase() === 'TRUE' : dflt);
const noneOr = <T>(v: string, none: T): string | T => (v.toUpperCase() === 'NONE' ? none : v);

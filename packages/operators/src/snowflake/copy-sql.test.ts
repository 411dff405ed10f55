import { describe, expect, it } from '@jest/globals';
import { copyIntoSql, createSchemaSql, createTableSql, fileTypeOf, normalizeFileFormat, onErrorClause } from './copy-sql.js';
import { splitQualifiedName } from './identifiers.js';
import { loadedFiles } from './load.operator.js';
import { parseSource, tableColumns, upstreamColumns, upstreamFile } from './load-source.js';
import { redactSql } from './redact.js';

const credentials = { keyId: 'AKIAEXAMPLE', secret: "s3cr'et", token: 'TOKEN123' };

describe('COPY INTO generation', () => {
  it('loads one key exactly (FILES) with credentials and a CSV file format', () => {
    const sql = copyIntoSql({
      table: 'raw.sales',
      source: { bucket: 'sales', key: 'out/2026/sales.csv' },
      credentials,
      fileFormat: normalizeFileFormat({ skipHeader: 1 }, 'out/2026/sales.csv', 0),
      onError: 'continue',
    });
    expect(sql).toBe(
      `COPY INTO "RAW"."SALES" FROM 's3://sales/out/2026/' FILES = ('sales.csv') CREDENTIALS = (AWS_KEY_ID = 'AKIAEXAMPLE' AWS_SECRET_KEY = 's3cr''et' AWS_TOKEN = 'TOKEN123') ` +
        `FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1 FIELD_OPTIONALLY_ENCLOSED_BY = '"') ON_ERROR = CONTINUE`,
    );
    const logged = redactSql(sql);
    for (const secret of ['AKIAEXAMPLE', "s3cr''et", 'TOKEN123']) expect(logged).not.toContain(secret);
    expect(logged).toContain('CREDENTIALS=([redacted]) FILE_FORMAT');
  });
  it('loads a prefix with a pattern, JSON options and column matching', () => {
    const sql = copyIntoSql({
      table: 't',
      source: { bucket: 'b', prefix: 'in/', pattern: '.*[.]json' },
      credentials: { keyId: 'k', secret: 's' },
      fileFormat: normalizeFileFormat({ type: 'json', stripOuterArray: true, compression: 'gzip' }, undefined, 0),
      onError: 'skip_file_10%',
      matchByColumnName: 'case_insensitive',
    });
    expect(sql).toBe(
      `COPY INTO "T" FROM 's3://b/in/' PATTERN = '.*[.]json' CREDENTIALS = (AWS_KEY_ID = 'k' AWS_SECRET_KEY = 's') FILE_FORMAT = (TYPE = JSON STRIP_OUTER_ARRAY = TRUE COMPRESSION = GZIP) ON_ERROR = 'SKIP_FILE_10%' MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE`,
    );
  });
  it('renders every CSV option and validates them', () => {
    const f = normalizeFileFormat(
      { type: 'CSV', fieldDelimiter: '|', escape: '\\', nullIf: ['NULL', ''], emptyFieldAsNull: false, errorOnColumnCountMismatch: false, trimSpace: true },
      'x.txt',
      1,
    );
    expect(copyIntoSql({ table: 't', source: { bucket: 'b', key: 'k.txt' }, credentials, fileFormat: f }).split('FILE_FORMAT = ')[1]).toBe(
      `(TYPE = CSV SKIP_HEADER = 1 FIELD_DELIMITER = '|' FIELD_OPTIONALLY_ENCLOSED_BY = '"' ESCAPE = '\\\\' NULL_IF = ('NULL', '') EMPTY_FIELD_AS_NULL = FALSE ERROR_ON_COLUMN_COUNT_MISMATCH = FALSE TRIM_SPACE = TRUE)`,
    );
    expect(() => normalizeFileFormat({ type: 'xml' }, undefined, 0)).toThrow('fileFormat.type must be csv, json or parquet');
    expect(() => normalizeFileFormat({ skip_header: 1 }, 'a.csv', 0)).toThrow('fileFormat option(s) skip_header not supported for csv');
    expect(() => normalizeFileFormat({ skipHeader: -1 }, 'a.csv', 0)).toThrow('skipHeader must be a non-negative integer');
    expect(() => normalizeFileFormat({ type: 'csv', compression: 'gzip; drop' }, undefined, 0)).toThrow('compression');
    expect(() => onErrorClause('explode')).toThrow('onError must be');
  });
  it('infers the file type from the key', () => {
    expect([fileTypeOf('a/b.csv.gz'), fileTypeOf('x.jsonl'), fileTypeOf('x.NDJSON'), fileTypeOf('p.parquet'), fileTypeOf(undefined)]).toEqual([
      'csv',
      'json',
      'json',
      'parquet',
      'csv',
    ]);
  });
});

describe('createTable', () => {
  it('uses the upstream columns in file order, VARCHAR unless a type is given', () => {
    const cols = tableColumns({ columns: { AMOUNT: 'number(12,2)' } }, upstreamColumns(['order_id', 'amount', { name: 'sold at', type: 'DATE' }, 5]));
    expect(createTableSql('raw.sales', cols)).toBe('CREATE TABLE IF NOT EXISTS "RAW"."SALES" ("ORDER_ID" VARCHAR, "AMOUNT" NUMBER(12,2), "sold at" DATE)');
    // A list keeps its order; an object of several columns has none (JSONB sorts keys) and is refused without upstream columns.
    expect(
      tableColumns(
        {
          columns: [
            { name: 'id', type: 'int' },
            { name: 'name', type: 'string' },
          ],
        },
        [],
      ),
    ).toEqual([
      { name: 'id', type: 'int' },
      { name: 'name', type: 'string' },
    ]);
    expect(tableColumns({ columns: { id: 'int' } }, [])).toEqual([{ name: 'id', type: 'int' }]);
    expect(() => tableColumns({ columns: { id: 'int', name: 'string' } }, [])).toThrow(/no column order/);
    expect(tableColumns(true, [])).toEqual([]);
    expect(createSchemaSql(splitQualifiedName('db.raw.sales'))).toBe('CREATE SCHEMA IF NOT EXISTS "DB"."RAW"');
    expect(createSchemaSql(splitQualifiedName('sales'))).toBeUndefined();
  });
});

describe('load source', () => {
  it('takes the nearest upstream return_value naming an S3 object', () => {
    const xcom = { a: { return_value: 'x' }, b: { return_value: { bucket: 'sales', key: 'k.csv', columns: ['id'], connection: 'lake' } } };
    expect(upstreamFile({ upstream: ['a', 'b'], xcom })).toEqual({
      taskId: 'b',
      bucket: 'sales',
      key: 'k.csv',
      prefix: undefined,
      columns: ['id'],
      connection: 'lake',
    });
    expect(upstreamFile({ upstream: ['a'], xcom })).toBeUndefined();
  });
  it('parses with.source as an s3:// URL or an object', () => {
    expect(parseSource('s3://b/dir/file.csv')).toEqual({ bucket: 'b', key: 'dir/file.csv' });
    expect(parseSource('s3://b/dir/')).toEqual({ bucket: 'b', prefix: 'dir/' });
    expect(parseSource({ bucket: 'b', prefix: 'p/', pattern: '.*csv' })).toEqual({ bucket: 'b', prefix: 'p/', pattern: '.*csv' });
    expect(() => parseSource('http://x')).toThrow('not an s3://bucket/key URL');
    expect(() => parseSource({ bucket: 'b', key: 'k', prefix: 'p' })).toThrow('exactly one of key and prefix');
  });
  it('reads COPY result rows in either case, ignoring the "0 files processed" status row', () => {
    expect(loadedFiles([{ file: 's3://b/k', status: 'LOADED', rows_parsed: 2, rows_loaded: 2, errors_seen: 0, first_error: null }])).toEqual([
      { file: 's3://b/k', status: 'LOADED', rowsParsed: 2, rowsLoaded: 2, errorsSeen: 0 },
    ]);
    expect(
      loadedFiles([{ FILE: 's3://b/k', STATUS: 'PARTIALLY_LOADED', ROWS_PARSED: '3', ROWS_LOADED: '2', ERRORS_SEEN: 1, FIRST_ERROR: 'bad' }])[0],
    ).toMatchObject({ rowsLoaded: 2, firstError: 'bad' });
    expect(loadedFiles([{ status: 'Copy executed with 0 files processed.' }])).toEqual([]);
  });
});

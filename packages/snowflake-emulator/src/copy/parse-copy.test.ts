import { describe, expect, it } from '@jest/globals';
import { bindOptions } from '../sql/binds.js';
import { tokenize } from '../sql/lexer.js';
import { parseCopy } from './parse-copy.js';

const parse = (sql: string) => parseCopy(tokenize(sql), bindOptions(undefined));

describe('parseCopy', () => {
  it('reads the target, location, credentials and CSV options in any order', () => {
    const copy = parse(`COPY INTO raw.orders (id, "Name") FROM 's3://landing/orders/2024/'
      FILE_FORMAT = (TYPE = 'CSV', SKIP_HEADER = 1, FIELD_DELIMITER = '|', FIELD_OPTIONALLY_ENCLOSED_BY = '"', NULL_IF = ('NULL', ''))
      CREDENTIALS = (AWS_KEY_ID = 'AK' AWS_SECRET_KEY = 'SK' AWS_TOKEN = 'TK') PATTERN = '.*[.]csv' ON_ERROR = 'SKIP_FILE_10%' FORCE = TRUE`);
    expect(copy).toMatchObject({
      table: ['RAW', 'ORDERS'],
      columns: ['ID', 'Name'],
      bucket: 'landing',
      prefix: 'orders/2024/',
      credentials: { keyId: 'AK', secret: 'SK', token: 'TK' },
      format: { type: 'CSV', skipHeader: 1, fieldDelimiter: '|', enclosedBy: '"', nullIf: ['NULL', ''], emptyFieldAsNull: true },
      files: null,
      onError: { mode: 'SKIP_FILE', limit: 10, percent: true },
      force: true,
    });
    expect(copy.pattern?.test('a.csv')).toBe(true);
    expect(copy.pattern?.test('a.csv.gz')).toBe(false);
  });

  it("defaults like Snowflake: CSV, no header skip, NULL_IF ('\\\\N'), ABORT_STATEMENT", () => {
    const copy = parse("COPY INTO t FROM 's3://b' FILES = ('x.csv')");
    expect(copy).toMatchObject({
      prefix: '',
      files: ['x.csv'],
      format: { type: 'CSV', skipHeader: 0, fieldDelimiter: ',', enclosedBy: null, nullIf: ['\\N'] },
      onError: { mode: 'ABORT_STATEMENT' },
    });
  });

  it('rejects what the emulator cannot load with a Snowflake-style unsupported error', () => {
    expect(() => parse('COPY INTO t FROM @stage FILE_FORMAT = (TYPE = CSV)')).toThrow(/Unsupported feature/);
    expect(() => parse("COPY INTO t FROM 'gcs://b/x'")).toThrow(/only s3:\/\/ locations/);
    expect(() => parse("COPY INTO t FROM 's3://b/x' FILE_FORMAT = (TYPE = AVRO)")).toThrow(/TYPE = AVRO/);
  });
});

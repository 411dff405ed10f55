import { DuckDBTypeId, type DuckDBDecimalType, type DuckDBType } from '@duckdb/node-api';

/** One entry of Snowflake's `rowtype`: the column metadata the SDK uses to parse each value. */
export interface RowType {
  name: string;
  database: string;
  schema: string;
  table: string;
  nullable: boolean;
  type: SnowflakeType;
  length: number | null;
  precision: number | null;
  scale: number | null;
  byteLength: number | null;
  collation: null;
}

export type SnowflakeType =
  'fixed' | 'real' | 'text' | 'boolean' | 'date' | 'time' | 'timestamp_ntz' | 'timestamp_ltz' | 'timestamp_tz' | 'variant' | 'object' | 'array' | 'binary';

const MAX_TEXT = 16_777_216;
const MAX_BINARY = 8_388_608;

export function rowType(name: string, type: SnowflakeType, extra: Partial<RowType> = {}): RowType {
  const base: RowType = {
    name,
    database: '',
    schema: '',
    table: '',
    nullable: true,
    type,
    length: null,
    precision: null,
    scale: null,
    byteLength: null,
    collation: null,
  };
  switch (type) {
    case 'fixed':
      Object.assign(base, { precision: 38, scale: 0 });
      break;
    case 'text':
    case 'variant':
    case 'object':
    case 'array':
      Object.assign(base, { length: MAX_TEXT, byteLength: MAX_TEXT });
      break;
    case 'binary':
      Object.assign(base, { length: MAX_BINARY, byteLength: MAX_BINARY });
      break;
    case 'time':
    case 'timestamp_ntz':
    case 'timestamp_ltz':
    case 'timestamp_tz':
      Object.assign(base, { precision: 0, scale: 9 });
      break;
  }
  return Object.assign(base, extra);
}

/**
 * DuckDB column type → Snowflake rowtype. Integers of every width are NUMBER(38,0) as in
 * Snowflake; TIMESTAMPTZ is reported as TIMESTAMP_LTZ since DuckDB keeps no offset per value.
 */
export function rowTypeFor(name: string, type: DuckDBType, alias: string | undefined): RowType {
  if (alias?.toUpperCase() === 'JSON') return rowType(name, 'variant');
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return rowType(name, 'boolean');
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
    case DuckDBTypeId.INTEGER_LITERAL:
      return rowType(name, 'fixed');
    case DuckDBTypeId.DECIMAL: {
      const d = type as DuckDBDecimalType;
      return rowType(name, 'fixed', { precision: d.width, scale: d.scale });
    }
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return rowType(name, 'real');
    case DuckDBTypeId.DATE:
      return rowType(name, 'date');
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS:
    case DuckDBTypeId.TIME_TZ:
      return rowType(name, 'time');
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return rowType(name, 'timestamp_ntz');
    case DuckDBTypeId.TIMESTAMP_TZ:
      return rowType(name, 'timestamp_ltz');
    case DuckDBTypeId.BLOB:
      return rowType(name, 'binary');
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return rowType(name, 'array');
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.VARIANT:
      return rowType(name, 'object');
    default:
      return rowType(name, 'text');
  }
}

/** Snowflake's spelling of a DuckDB column type, for DESCRIBE TABLE. */
export function snowflakeTypeName(duckType: string): string {
  const t = duckType.toUpperCase();
  const dec = t.match(/^DECIMAL\((\d+),\s*(\d+)\)$/);
  if (dec) return `NUMBER(${dec[1]},${dec[2]})`;
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT)$/.test(t)) return 'NUMBER(38,0)';
  if (t === 'DOUBLE' || t === 'FLOAT') return 'FLOAT';
  if (t === 'VARCHAR') return `VARCHAR(${MAX_TEXT})`;
  if (t === 'TIMESTAMP') return 'TIMESTAMP_NTZ(9)';
  if (t === 'TIMESTAMP WITH TIME ZONE') return 'TIMESTAMP_LTZ(9)';
  if (t === 'TIME') return 'TIME(9)';
  if (t === 'JSON') return 'VARIANT';
  if (t === 'BLOB') return `BINARY(${MAX_BINARY})`;
  return t;
}

import { DuckDBTypeId, JsonDuckDBValueConverter, type DuckDBDataChunk, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

/** Turns one column of a DuckDB data chunk into Snowflake's JSON rowset strings. */
export type ColumnEncoder = (chunk: DuckDBDataChunk, column: number) => Array<string | null>;

/**
 * Snowflake's JSON result format sends every value as a string the SDK parses per rowtype:
 * dates as days since the epoch, times and timestamps as epoch seconds with nine fraction digits,
 * booleans as "1"/"0", binary as upper-case hex, semi-structured values as JSON text.
 */
export function encoderFor(type: DuckDBType, alias: string | undefined): ColumnEncoder {
  const values =
    (fn: (v: DuckDBValue) => string): ColumnEncoder =>
    (chunk, column) =>
      chunk.getColumnValues(column).map((v) => (v === null ? null : fn(v)));
  if (alias?.toUpperCase() === 'JSON') return values((v) => String(v));
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return values((v) => (v ? '1' : '0'));
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return values((v) => formatDouble(v as number));
    case DuckDBTypeId.DATE:
      return values((v) => String((v as { days: number }).days));
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_TZ:
      return values((v) => epochString((v as { micros: bigint }).micros, 1_000_000n));
    case DuckDBTypeId.TIME_NS:
      return values((v) => epochString((v as { nanos: bigint }).nanos, 1_000_000_000n));
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return values((v) => epochString((v as { micros: bigint }).micros, 1_000_000n));
    case DuckDBTypeId.TIMESTAMP_S:
      return values((v) => epochString((v as { seconds: bigint }).seconds, 1n));
    case DuckDBTypeId.TIMESTAMP_MS:
      return values((v) => epochString((v as { millis: bigint }).millis, 1_000n));
    case DuckDBTypeId.TIMESTAMP_NS:
      return values((v) => epochString((v as { nanos: bigint }).nanos, 1_000_000_000n));
    case DuckDBTypeId.BLOB:
      return values((v) =>
        Buffer.from((v as { bytes: Uint8Array }).bytes)
          .toString('hex')
          .toUpperCase(),
      );
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.VARIANT:
      return (chunk, column) => chunk.convertColumnValues(column, JsonDuckDBValueConverter).map((v) => (v === null ? null : JSON.stringify(v)));
    default:
      return values((v) => String(v));
  }
}

/** `units` since the epoch → the decimal "seconds.nnnnnnnnn" (-0.5 s is "-0.500000000"). */
export function epochString(units: bigint, unitsPerSecond: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const seconds = abs / unitsPerSecond;
  const nanos = ((abs - seconds * unitsPerSecond) * 1_000_000_000n) / unitsPerSecond;
  return `${negative ? '-' : ''}${seconds}.${nanos.toString().padStart(9, '0')}`;
}

function formatDouble(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

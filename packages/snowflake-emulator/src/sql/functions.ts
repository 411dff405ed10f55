/**
 * Snowflake functions that DuckDB lacks or spells differently, rewritten at the call site.
 * Each rule receives the call's arguments already translated to DuckDB SQL. Functions that
 * need session state (CURRENT_WAREHOUSE() …) are temp macros instead: see session-macros.ts.
 */
export interface CallArgs {
  /** Translated arguments. */
  sql: string[];
  /** An argument written as a bare word or a string literal, upper-cased (date parts, formats). */
  word(i: number): string;
  /** `ORDER BY …` from a trailing WITHIN GROUP clause, or ''. */
  orderBy: string;
}

type Rule = (a: CallArgs) => string;

const DATE_PARTS: Record<string, [string, number]> = {};
for (const [unit, aliases] of Object.entries({
  YEAR: 'Y YY YYY YYYY YR YEARS YRS',
  QUARTER: 'Q QTR QTRS QUARTERS',
  MONTH: 'MM MON MONS MONTHS',
  WEEK: 'W WK WEEKOFYEAR WOY WY WEEKS',
  DAY: 'D DD DAYS DAYOFMONTH',
  HOUR: 'H HH HR HOURS HRS',
  MINUTE: 'M MI MIN MINUTES MINS',
  SECOND: 'S SEC SECONDS SECS',
  MILLISECOND: 'MS MSEC MILLISECONDS',
  MICROSECOND: 'US USEC MICROSECONDS',
})) {
  for (const alias of [unit, ...aliases.split(' ')]) DATE_PARTS[alias] = [unit, 1];
}
// DuckDB intervals have no QUARTER unit: a quarter is three months.
for (const alias of ['QUARTER', 'Q', 'QTR', 'QTRS', 'QUARTERS']) DATE_PARTS[alias] = ['MONTH', 3];

function datePart(word: string): [string, number] {
  return DATE_PARTS[word] ?? [word, 1];
}

const unitName = (word: string) => {
  const [unit, factor] = datePart(word);
  return factor === 3 ? 'quarter' : unit.toLowerCase();
};

const cast = (type: string) => (a: CallArgs) => `CAST(${a.sql[0]} AS ${type})`;
const tryCast = (type: string) => (a: CallArgs) => `TRY_CAST(${a.sql[0]} AS ${type})`;

function decimalOf(a: CallArgs): string {
  return `DECIMAL(${a.sql[1] ?? 38},${a.sql[2] ?? 0})`;
}

/** Snowflake datetime format → strptime/strftime format. */
export function convertDateFormat(format: string): string {
  return format
    .replace(/YYYY/g, '%Y')
    .replace(/YY/g, '%y')
    .replace(/MMMM/g, '%B')
    .replace(/MON/g, '%b')
    .replace(/MM/g, '%m')
    .replace(/DD/g, '%d')
    .replace(/DY/g, '%a')
    .replace(/HH24/g, '%H')
    .replace(/HH12|HH/g, '%I')
    .replace(/MI/g, '%M')
    .replace(/SS/g, '%S')
    .replace(/\.?FF[0-9]?/g, '.%f')
    .replace(/AM|PM/g, '%p')
    .replace(/TZH:TZM|TZHTZM/g, '%z');
}

const withFormat = (type: string) => (a: CallArgs) =>
  a.sql.length > 1 ? `CAST(strptime(${a.sql[0]}, '${convertDateFormat(a.word(1))}') AS ${type})` : `CAST(${a.sql[0]} AS ${type})`;

export const FUNCTION_RULES: Record<string, Rule> = {
  IFF: (a) => `(CASE WHEN ${a.sql[0]} THEN ${a.sql[1]} ELSE ${a.sql[2]} END)`,
  NVL: (a) => `COALESCE(${a.sql.join(', ')})`,
  NVL2: (a) => `(CASE WHEN ${a.sql[0]} IS NOT NULL THEN ${a.sql[1]} ELSE ${a.sql[2]} END)`,
  ZEROIFNULL: (a) => `COALESCE(${a.sql[0]}, 0)`,
  NULLIFZERO: (a) => `NULLIF(${a.sql[0]}, 0)`,
  DIV0: (a) => `(CASE WHEN ${a.sql[1]} = 0 THEN 0 ELSE ${a.sql[0]} / ${a.sql[1]} END)`,
  DIV0NULL: (a) => `(CASE WHEN COALESCE(${a.sql[1]}, 0) = 0 THEN 0 ELSE ${a.sql[0]} / ${a.sql[1]} END)`,
  EQUAL_NULL: (a) => `(${a.sql[0]} IS NOT DISTINCT FROM ${a.sql[1]})`,
  DECODE: (a) => {
    const [expr, ...rest] = a.sql;
    let out = '(CASE';
    for (let i = 0; i + 1 < rest.length; i += 2) out += ` WHEN ${expr} IS NOT DISTINCT FROM ${rest[i]} THEN ${rest[i + 1]}`;
    if (rest.length % 2 === 1) out += ` ELSE ${rest[rest.length - 1]}`;
    return `${out} END)`;
  },
  TO_VARCHAR: (a) => (a.sql.length > 1 ? `strftime(${a.sql[0]}, '${convertDateFormat(a.word(1))}')` : `CAST(${a.sql[0]} AS VARCHAR)`),
  TO_CHAR: (a) => (a.sql.length > 1 ? `strftime(${a.sql[0]}, '${convertDateFormat(a.word(1))}')` : `CAST(${a.sql[0]} AS VARCHAR)`),
  TO_NUMBER: (a) => `CAST(${a.sql[0]} AS ${decimalOf(a)})`,
  TO_DECIMAL: (a) => `CAST(${a.sql[0]} AS ${decimalOf(a)})`,
  TO_NUMERIC: (a) => `CAST(${a.sql[0]} AS ${decimalOf(a)})`,
  TRY_TO_NUMBER: (a) => `TRY_CAST(${a.sql[0]} AS ${decimalOf(a)})`,
  TRY_TO_DECIMAL: (a) => `TRY_CAST(${a.sql[0]} AS ${decimalOf(a)})`,
  TO_DOUBLE: cast('DOUBLE'),
  TRY_TO_DOUBLE: tryCast('DOUBLE'),
  TO_BOOLEAN: cast('BOOLEAN'),
  TRY_TO_BOOLEAN: tryCast('BOOLEAN'),
  TO_DATE: withFormat('DATE'),
  TRY_TO_DATE: tryCast('DATE'),
  TO_TIME: cast('TIME'),
  TO_TIMESTAMP: withFormat('TIMESTAMP'),
  TO_TIMESTAMP_NTZ: withFormat('TIMESTAMP'),
  TO_TIMESTAMP_LTZ: withFormat('TIMESTAMPTZ'),
  TO_TIMESTAMP_TZ: withFormat('TIMESTAMPTZ'),
  TRY_TO_TIMESTAMP: tryCast('TIMESTAMP'),
  TRY_TO_TIMESTAMP_NTZ: tryCast('TIMESTAMP'),
  DATEADD: (a) => {
    const [unit, factor] = datePart(a.word(0));
    return `(${a.sql[2]} + (${a.sql[1]}) * INTERVAL ${factor} ${unit})`;
  },
  TIMESTAMPADD: (a) => FUNCTION_RULES.DATEADD(a),
  DATEDIFF: (a) => `date_diff('${unitName(a.word(0))}', ${a.sql[1]}, ${a.sql[2]})`,
  TIMESTAMPDIFF: (a) => FUNCTION_RULES.DATEDIFF(a),
  DATE_TRUNC: (a) => `date_trunc('${unitName(a.word(0))}', ${a.sql[1]})`,
  DATE_PART: (a) => `date_part('${unitName(a.word(0))}', ${a.sql[1]})`,
  DATE_FROM_PARTS: (a) => `make_date(${a.sql.join(', ')})`,
  SYSDATE: () => `CAST(now() AS TIMESTAMP)`,
  // DuckDB spells these without parentheses.
  CURRENT_TIMESTAMP: () => 'CURRENT_TIMESTAMP',
  LOCALTIMESTAMP: () => `CAST(now() AS TIMESTAMP)`,
  CURRENT_TIME: () => `CAST(now() AS TIME)`,
  LOCALTIME: () => `CAST(now() AS TIME)`,
  SHA2: (a) => `sha256(${a.sql[0]})`,
  // TABLE(GENERATOR(ROWCOUNT => n)) and SEQ4(): Snowflake's row generator.
  GENERATOR: (a) => `range(${(a.sql.find((s) => /^ROWCOUNT\b/.test(s)) ?? a.sql[0]).replace(/^ROWCOUNT\s*:=\s*/, '')})`,
  SEQ1: () => '(row_number() OVER () - 1)',
  SEQ2: () => '(row_number() OVER () - 1)',
  SEQ4: () => '(row_number() OVER () - 1)',
  SEQ8: () => '(row_number() OVER () - 1)',
  UNIFORM: (a) => `CAST(floor(${a.sql[0]} + random() * (${a.sql[1]} - ${a.sql[0]} + 1)) AS BIGINT)`,
  GETDATE: () => `now()`,
  CHARINDEX: (a) => `instr(${a.sql[1]}, ${a.sql[0]})`,
  STARTSWITH: (a) => `starts_with(${a.sql.join(', ')})`,
  ENDSWITH: (a) => `ends_with(${a.sql.join(', ')})`,
  RLIKE: (a) => `regexp_full_match(${a.sql.join(', ')})`,
  REGEXP_LIKE: (a) => `regexp_full_match(${a.sql.join(', ')})`,
  SPLIT: (a) => `string_split(${a.sql.join(', ')})`,
  LISTAGG: (a) => `string_agg(${a.sql[0]}, ${a.sql[1] ?? "''"}${a.orderBy ? ` ${a.orderBy}` : ''})`,
  ARRAY_AGG: (a) => `array_agg(${a.sql.join(', ')}${a.orderBy ? ` ${a.orderBy}` : ''})`,
  BOOLAND_AGG: (a) => `bool_and(${a.sql[0]})`,
  BOOLOR_AGG: (a) => `bool_or(${a.sql[0]})`,
  PARSE_JSON: (a) => `json(${a.sql[0]})`,
  TRY_PARSE_JSON: tryCast('JSON'),
  TO_VARIANT: (a) => `to_json(${a.sql[0]})`,
  OBJECT_CONSTRUCT: (a) => `json_object(${a.sql.join(', ')})`,
  ARRAY_CONSTRUCT: (a) => (a.sql.length ? `json_array(${a.sql.join(', ')})` : `CAST('[]' AS JSON)`),
  ARRAY_SIZE: (a) => `json_array_length(${a.sql[0]})`,
  UUID_STRING: () => `CAST(uuid() AS VARCHAR)`,
};

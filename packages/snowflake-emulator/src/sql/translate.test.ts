import { describe, expect, it } from '@jest/globals';
import { bindOptions } from './binds.js';
import { tokenize } from './lexer.js';
import { translate } from './translate.js';

const tr = (sql: string, bindings?: Record<string, { type: string; value: string | null }>) => translate(tokenize(sql), bindOptions(bindings));
/** Translates an expression outside a select list, where no column alias is added. */
const expr = (e: string, bindings?: Record<string, { type: string; value: string | null }>) =>
  tr(`delete from t where ${e}`, bindings).slice('DELETE FROM T WHERE '.length);

describe('translate (Snowflake SQL → DuckDB SQL)', () => {
  it('upper-cases unquoted identifiers and keeps quoted ones', () => {
    expect(tr('select a, "MixedCase" from db.sch.tbl')).toBe('SELECT A, "MixedCase" FROM DB.SCH.TBL');
  });

  it('names unaliased select expressions with their Snowflake text', () => {
    expect(tr('select count(*), a + 1, nvl(b, 0) as c, x y from t group by 1')).toBe(
      'SELECT COUNT(*) AS "COUNT(*)", A + 1 AS "A + 1", COALESCE(B, 0) AS C, X Y FROM T GROUP BY 1',
    );
  });

  it('re-encodes Snowflake string literals (backslash escapes, $$ quoting) for DuckDB', () => {
    expect(expr("a = 'it\\'s' or b = 'x\\ny' or c = $$q'$$")).toBe("A = 'it''s' OR B = 'x\ny' OR C = 'q'''");
  });

  it('drops // and -- comments that DuckDB would misread', () => {
    expect(expr('a = 1 // trailing\nand b = 2 -- more')).toBe('A = 1  \nAND B = 2  ');
  });

  it('inlines binds as literals, by position or :n', () => {
    const b = {
      '1': { type: 'TEXT', value: "o'k" },
      '2': { type: 'FIXED', value: '-5' },
      '3': { type: 'BOOLEAN', value: 'true' },
      '4': { type: 'TEXT', value: null },
    };
    expect(expr('a = ? and b = ? and c = ? and d is not distinct from ?', b)).toBe("A = 'o''k' AND B = (-5) AND C = TRUE AND D IS NOT DISTINCT FROM NULL");
    expect(expr('a = :2 - :2', b)).toBe('A = (-5) - (-5)');
  });

  it('maps Snowflake types in casts', () => {
    expect(expr('x::number(10,2) = y::variant and cast(z as timestamp_ntz(9)) > w::float::string')).toBe(
      'X::DECIMAL(10,2) = Y::JSON AND CAST(Z AS TIMESTAMP) > W::DOUBLE::VARCHAR',
    );
  });

  it('guards every divisor so a zero raises Division by zero', () => {
    expect(expr('a / b > (a + 1) / (b - 1) + a / -f(b)::int')).toBe('A / SF_NZ( B) > (A + 1) / SF_NZ( (B - 1)) + A / SF_NZ( -F(B)::BIGINT)');
  });

  it('turns variant paths into JSON extraction, honouring a trailing cast', () => {
    expect(expr('v:a.b = t.v:"Key"[0]::string and v:n::int = 1')).toBe(
      `json_extract(V, '$.a.b') = json_extract_string(T.V, '$."Key"[0]') AND CAST(json_extract_string(V, '$.n') AS BIGINT) = 1`,
    );
  });

  it('rewrites Snowflake-only functions', () => {
    expect(expr("iff(a > 1, 'x', 'y') = nvl(a, '0') and dateadd(day, 3, d) > current_timestamp() and datediff('month', a, b) > 1")).toBe(
      "(CASE WHEN A > 1 THEN 'x' ELSE 'y' END) = COALESCE(A, '0') AND (D + (3) * INTERVAL 1 DAY) > CURRENT_TIMESTAMP AND date_diff('month', A, B) > 1",
    );
  });

  it('moves LISTAGG … WITHIN GROUP (ORDER BY) into the aggregate call', () => {
    expect(tr("select listagg(n, ',') within group (order by n) as l from t")).toBe("SELECT string_agg(N, ',' ORDER BY N) AS L FROM T");
  });

  it('rewrites SELECT TOP n, FROM VALUES and TABLE(GENERATOR())', () => {
    expect(tr('select top 2 a from t')).toBe('SELECT A FROM T LIMIT 2');
    expect(tr('select $1 from values (1, 2), (3, 4)')).toBe('SELECT COLUMN1 AS "$1" FROM (VALUES (1, 2), (3, 4)) AS "VALUES"(COLUMN1, COLUMN2)');
    expect(tr('select seq4() as i from table(generator(rowcount => 3))')).toBe('SELECT (row_number() OVER () - 1) AS I FROM range(3)');
  });

  it('resolves IDENTIFIER() from a literal or a bind with Snowflake casing', () => {
    expect(tr('select * from identifier(\'db."Raw".t\')')).toBe('SELECT * FROM "DB"."Raw"."T"');
    expect(tr('select * from identifier(?)', { '1': { type: 'TEXT', value: 'sales.orders' } })).toBe('SELECT * FROM "SALES"."ORDERS"');
  });

  it('reads db..table as the PUBLIC schema', () => {
    expect(tr('select * from db..t')).toBe('SELECT * FROM DB."PUBLIC".T');
  });
});

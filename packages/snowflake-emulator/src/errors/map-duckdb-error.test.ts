import { describe, expect, it } from '@jest/globals';
import { mapDuckDbError } from './map-duckdb-error.js';

const map = (message: string) => {
  const e = mapDuckDbError(new Error(message));
  return { code: e.code, sqlState: e.sqlState, message: e.message };
};

describe('mapDuckDbError', () => {
  it.each([
    [
      'Catalog Error: Table with name ORDERS does not exist!\nDid you mean "X"?',
      '002003',
      '42S02',
      "SQL compilation error:\nObject 'ORDERS' does not exist or not authorized.",
    ],
    ['Catalog Error: Table with name "T" already exists!', '002002', '42710', "SQL compilation error:\nObject 'T' already exists."],
    [
      'Binder Error: Referenced column "NOPE" not found in FROM clause!\n\nLINE 1: SELECT NOPE FROM T\n               ^',
      '000904',
      '42000',
      "SQL compilation error:\nerror line 1 at position 7\ninvalid identifier 'NOPE'",
    ],
    [
      'Parser Error: syntax error at or near "SELEC"\n\nLINE 1: SELEC 1\n        ^',
      '001003',
      '42000',
      "SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'SELEC'.",
    ],
    ['Invalid Input Error: Division by zero', '100051', '22012', 'Division by zero'],
    ["Conversion Error: Could not convert string 'abc' to INT64", '100038', '22018', "Numeric value 'abc' is not recognized"],
    ['Conversion Error: invalid date field format: "2024-13-45", expected format is (YYYY-MM-DD)', '100040', '22007', "Date '2024-13-45' is not recognized"],
    ['Constraint Error: NOT NULL constraint failed: T.ID', '100072', '22000', 'NULL result in a non-nullable column'],
    ['Catalog Error: Scalar Function with name frobnicate does not exist!', '002140', '42601', 'SQL compilation error:\nUnknown function FROBNICATE'],
  ])('%s', (duck, code, sqlState, message) => {
    expect(map(duck)).toEqual({ code, sqlState, message });
  });

  it('keeps an unknown failure visible as an execution error', () => {
    expect(map('IO Error: disk on fire')).toEqual({ code: '000603', sqlState: 'XX000', message: 'SQL execution error: disk on fire' });
  });
});

import { splitSqlScript } from '../migrate/split-sql.mjs';

describe('splitSqlScript (how migrations are applied)', () => {
  it('splits at the semicolons that end statements', () => {
    expect(splitSqlScript('CREATE TABLE a (x int);\nALTER TABLE a ADD y int;\n')).toEqual(['CREATE TABLE a (x int)', 'ALTER TABLE a ADD y int']);
  });

  it('keeps a DO block with its inner semicolons in one statement', () => {
    const doBlock = 'DO $$\nBEGIN\n  CREATE ROLE r;\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND\n$$';
    expect(splitSqlScript(`${doBlock};\nGRANT r TO s;`)).toEqual([doBlock, 'GRANT r TO s']);
    const tagged = 'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql';
    expect(splitSqlScript(`${tagged}; SELECT 2`)).toEqual([tagged, 'SELECT 2']);
  });

  it('ignores semicolons in comments, strings and quoted identifiers', () => {
    const script = "-- a comment; not a statement\nSELECT 'a;b', \"we;ird\" /* c; */ FROM t;\nSELECT 'it''s; fine'";
    expect(splitSqlScript(script)).toEqual(['-- a comment; not a statement\nSELECT \'a;b\', "we;ird" /* c; */ FROM t', "SELECT 'it''s; fine'"]);
  });

  it('drops empty statements and trailing comments, and keeps a $n parameter as text', () => {
    expect(splitSqlScript(';;\nSELECT $1::int;\n-- the end\n')).toEqual(['SELECT $1::int']);
  });
});

import { describe, expect, it } from '@jest/globals';
import { bindStatement, scanPlaceholders } from './binds.js';
import { isRetryableSnowflakeError, toSnowflakeError } from './errors.js';
import { quoteIdentifier, quoteQualifiedName, sqlString, sqlType } from './identifiers.js';
import { redactSql, scrubSecrets } from './redact.js';

describe('identifiers', () => {
  it('upper-cases unquoted names, keeps quoted ones, quotes anything else literally', () => {
    expect(quoteIdentifier('order_id')).toBe('"ORDER_ID"');
    expect(quoteIdentifier('Sales$2')).toBe('"SALES$2"');
    expect(quoteIdentifier('"Order Id"')).toBe('"Order Id"');
    expect(quoteIdentifier('order id')).toBe('"order id"');
    expect(quoteIdentifier('x"; drop table t; --')).toBe('"x""; drop table t; --"');
    expect(() => quoteIdentifier(' ')).toThrow('must not be empty');
  });
  it('quotes each part of a qualified name, dots inside quotes included', () => {
    expect(quoteQualifiedName('raw.sales')).toBe('"RAW"."SALES"');
    expect(quoteQualifiedName('db."My.Schema".t')).toBe('"DB"."My.Schema"."T"');
    expect(() => quoteQualifiedName('a.b.c.d')).toThrow('more than three parts');
    expect(() => quoteQualifiedName('a..b')).toThrow('empty part');
  });
  it('escapes quotes and backslashes in string literals', () => {
    expect(sqlString("it's")).toBe("'it''s'");
    expect(sqlString('a\\b')).toBe("'a\\\\b'");
  });
  it('accepts column types and rejects anything else', () => {
    expect(sqlType('number(38, 2)')).toBe('NUMBER(38, 2)');
    expect(sqlType('DOUBLE PRECISION')).toBe('DOUBLE PRECISION');
    expect(() => sqlType('varchar); drop table x')).toThrow('is not a column type');
  });
});

describe('redaction', () => {
  it('masks every CREDENTIALS clause, quotes and escapes included', () => {
    const sql = "COPY INTO t FROM 's3://b/' CREDENTIALS = (AWS_KEY_ID = 'AK' AWS_SECRET_KEY = 'se)c''r\\'et' AWS_TOKEN = 'tok') FILE_FORMAT = (TYPE = CSV)";
    expect(redactSql(sql)).toBe("COPY INTO t FROM 's3://b/' CREDENTIALS=([redacted]) FILE_FORMAT = (TYPE = CSV)");
  });
  it('masks given secret values, longest first, ignoring very short ones', () => {
    expect(scrubSecrets('user pw hunter22 / hunter2', ['hunter2', 'hunter22', 'pw', undefined])).toBe('user pw [redacted] / [redacted]');
  });
});

describe('Snowflake errors', () => {
  it('classifies what a retry cannot fix', () => {
    expect(isRetryableSnowflakeError('001003', '42000')).toBe(false); // syntax
    expect(isRetryableSnowflakeError('002003', '42S02')).toBe(false); // missing object
    expect(isRetryableSnowflakeError('100038', '22018')).toBe(false); // conversion
    expect(isRetryableSnowflakeError('390100', '08004')).toBe(false); // wrong password
    expect(isRetryableSnowflakeError('404005', undefined)).toBe(false); // driver option
    expect(isRetryableSnowflakeError('401001', undefined)).toBe(true); // network
    expect(isRetryableSnowflakeError(undefined, undefined)).toBe(true);
    expect(isRetryableSnowflakeError('390111', '08001')).toBe(true); // session gone
    expect(isRetryableSnowflakeError('091003', '22000', 'Failure using stage area. Cause: [timeout]')).toBe(true);
    expect(isRetryableSnowflakeError('091003', '22000', 'Failure using stage area. Cause: [Access Denied (Status Code: 403; Error Code: AccessDenied)]')).toBe(
      false,
    );
  });
  it('builds a one-line message from code, SQL state and text, without secrets', () => {
    const driverError = Object.assign(new Error("SQL compilation error:\nsyntax error near 'hunter22'"), {
      code: '001003',
      sqlState: '42000',
      data: { sqlText: 'hunter22' },
    });
    const e = toSnowflakeError(driverError, 'statement 1 failed', ['hunter22']);
    expect(e.message).toBe("statement 1 failed: Snowflake error 001003 (42000): SQL compilation error: syntax error near '[redacted]'");
    expect([e.code, e.sqlState, e.retryable]).toEqual(['001003', '42000', false]);
    expect(toSnowflakeError(new Error('socket hang up'), 'login').message).toBe('login: Snowflake request failed: socket hang up');
  });
});

describe('binds', () => {
  it('finds placeholders outside literals, identifiers, comments and casts', () => {
    const sql = `select '?', "a?", $$?$$, x::int, v:a, ? -- ?\n, :2 /* :3 */, :name, t.c:name from t // ?`;
    expect(scanPlaceholders(sql, new Set(['name'])).map((p) => [p.kind, p.name])).toEqual([
      ['positional', undefined],
      ['numbered', '2'],
      ['named', 'name'],
    ]);
  });
  it('gives positional binds only to statements with placeholders', () => {
    expect(bindStatement('create table t (a int)', [1])).toEqual({ sql: 'create table t (a int)' });
    expect(bindStatement('insert into t values (?)', [1])).toEqual({ sql: 'insert into t values (?)', binds: [1] });
  });
  it('rewrites named binds to positional ones in order of appearance', () => {
    expect(bindStatement('select :b, :a, :b', { a: 1, b: 'x' })).toEqual({ sql: 'select ?, ?, ?', binds: ['x', 1, 'x'] });
    expect(() => bindStatement('select ?, :a', { a: 1 })).toThrow('cannot be mixed');
    expect(() => bindStatement('select :a', { a: [1] })).toThrow('binds.a must be');
  });
});

import { describe, expect, it } from '@jest/globals';
import { badInput, conflict, ERROR_CODES, forbidden, illegalTransition, internalError, isTowerError, notFound, TowerError, unauthenticated } from './errors.js';

describe('TowerError', () => {
  it('carries a code, an optional path and details, and is an Error', () => {
    const e = new TowerError('BAD_USER_INPUT', 'bad', { path: 'tasks[0]', details: { a: 1 } });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(TowerError);
    expect([e.name, e.code, e.message, e.path, e.details]).toEqual(['TowerError', 'BAD_USER_INPUT', 'bad', 'tasks[0]', { a: 1 }]);
    expect(e.stack).toContain('TowerError');
  });
  it('omits path and details when not given, and keeps a cause', () => {
    const cause = new Error('root');
    const e = new TowerError('INTERNAL', 'wrapped', { cause });
    expect(e.path).toBeUndefined();
    expect(e.details).toBeUndefined();
    expect(JSON.parse(JSON.stringify(e))).toEqual({ name: 'TowerError', code: 'INTERNAL', message: 'wrapped' });
    expect(e.cause).toBe(cause);
  });
  it('serialises to JSON with its code', () => {
    expect(JSON.parse(JSON.stringify(new TowerError('CONFLICT', 'taken', { path: 'dagId' })))).toEqual({
      name: 'TowerError',
      code: 'CONFLICT',
      message: 'taken',
      path: 'dagId',
    });
  });
  it('lists the seven codes', () => {
    expect(ERROR_CODES).toEqual(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'UNAUTHENTICATED', 'ILLEGAL_TRANSITION', 'RATE_LIMITED', 'INTERNAL']);
  });
});

describe('helpers', () => {
  it('build errors with the right code and message', () => {
    expect(badInput('no', 'x')).toMatchObject({ code: 'BAD_USER_INPUT', message: 'no', path: 'x' });
    expect(notFound('DAG daily')).toMatchObject({ code: 'NOT_FOUND', message: 'DAG daily not found' });
    expect(conflict('exists')).toMatchObject({ code: 'CONFLICT', message: 'exists' });
    expect(forbidden()).toMatchObject({ code: 'FORBIDDEN', message: 'not allowed' });
    expect(unauthenticated()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(illegalTransition('nope', { state: 'x' })).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { state: 'x' } });
    expect(internalError('bug')).toMatchObject({ code: 'INTERNAL', message: 'bug' });
  });
  it('isTowerError narrows, optionally by code', () => {
    expect(isTowerError(notFound('x'))).toBe(true);
    expect(isTowerError(notFound('x'), 'NOT_FOUND')).toBe(true);
    expect(isTowerError(notFound('x'), 'CONFLICT')).toBe(false);
    expect(isTowerError(new Error('x'))).toBe(false);
    expect(isTowerError({ code: 'NOT_FOUND' })).toBe(false);
  });
});

import { jest } from '@jest/globals';
import { ERROR_CODES, TowerError } from '@tower/core';
import { GraphQLError } from 'graphql';
import { clientCodeOf, formatGraphqlError, GRAPHQL_CODE, INTERNAL_MESSAGE } from './errors.js';

function resolverError(original: Error): GraphQLError {
  return new GraphQLError(original.message, {
    path: ['field'],
    originalError: original,
    extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['secret stack'] },
  });
}

const format = (error: GraphQLError, log = jest.fn()) => formatGraphqlError(error.toJSON(), error, log);

describe('formatGraphqlError', () => {
  it('maps every domain error code to a GraphQL code', () => {
    for (const code of ERROR_CODES) expect(GRAPHQL_CODE[code]).toMatch(/^[A-Z_]+$/);
  });

  it('keeps a domain error message and adds its code and argument path', () => {
    const out = format(resolverError(new TowerError('BAD_USER_INPUT', 'password must be at least 8 characters', { path: 'password' })));
    expect(out).toEqual({ message: 'password must be at least 8 characters', path: ['field'], extensions: { code: 'BAD_USER_INPUT', path: 'password' } });
  });

  it('maps ILLEGAL_TRANSITION to CONFLICT and passes details through', () => {
    const out = format(resolverError(new TowerError('ILLEGAL_TRANSITION', 'run is finished', { details: { state: 'success' } })));
    expect(out.extensions).toEqual({ code: 'CONFLICT', details: { state: 'success' } });
  });

  it('answers an unexpected error with a generic message, no stack, and logs it', () => {
    const log = jest.fn();
    const boom = new Error('connect ECONNREFUSED postgres://user:pw@db');
    const out = format(resolverError(boom), log);
    expect(out).toEqual({ message: INTERNAL_MESSAGE, path: ['field'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(out)).not.toContain('pw@db');
    expect(log).toHaveBeenCalledWith(boom);
  });

  it('hides the message of an INTERNAL domain error', () => {
    expect(format(resolverError(new TowerError('INTERNAL', 'invariant broken: x=3'))).message).toBe(INTERNAL_MESSAGE);
  });

  it("keeps GraphQL's own validation and input errors", () => {
    const validation = new GraphQLError('Cannot query field "nope" on type "Query".', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(format(validation)).toEqual({ message: validation.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    const input = new GraphQLError('Variable "$a" got invalid value', { extensions: { code: 'BAD_USER_INPUT' } });
    expect(format(input).extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('tells the client code of an error for logs', () => {
    expect(clientCodeOf(resolverError(new TowerError('FORBIDDEN', 'no')))).toBe('FORBIDDEN');
    expect(clientCodeOf(resolverError(new Error('x')))).toBe('INTERNAL_SERVER_ERROR');
  });
});

import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { rateLimited, TowerError } from '@tower/core';
import { createLogger } from '@tower/logger';
import { GraphQLError } from 'graphql';
import { WsOperationLog } from './operation-log.plugin.js';

/** The log's JSON lines, as written. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: new WsOperationLog(createLogger('test', { level: 'info', destination })) };
}

const origin = { ip: '198.51.100.7', userAgent: null };
const refusal = (operationName?: string) => ({ operationName, context: { origin } });
const actor = { tenantId: 't1', role: 'VIEWER' as const, apiKeyId: 'k1', ...origin };
const forbidden = () => new GraphQLError('no', { originalError: new TowerError('FORBIDDEN', 'no') });

describe('WsOperationLog', () => {
  it('logs an operation once when it ends, with each error code once however often it failed', () => {
    const { lines, log } = capture();
    const payload = { query: 'subscription Live { alertFired { id } }' };
    log.started(payload, 'Live', 'subscription');
    log.executing(payload, { actor, origin });
    for (let i = 0; i < 3; i++) log.errors(payload, [forbidden()], refusal('Live'));
    expect(lines).toEqual([]);
    log.ended(payload);
    log.ended(payload);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'graphql operation',
      operation: 'Live',
      type: 'subscription',
      transport: 'ws',
      errors: ['FORBIDDEN'],
      actor: 'api_key:k1',
    });
  });

  it('keeps two operations of one reused id apart (a client may reuse an id it completed)', () => {
    const { lines, log } = capture();
    const first = { query: 'mutation First { __typename }' };
    const second = { query: 'mutation Second { __typename }' };
    log.started(first, 'First', 'mutation');
    log.executing(first, { actor, origin });
    log.started(second, 'Second', 'mutation');
    log.executing(second, { actor, origin });
    log.ended(first);
    log.ended(second);
    expect(lines.map((l) => l.operation)).toEqual(['First', 'Second']);
  });

  it('logs a refusal at once, naming the operation only by a GraphQL name, and a rate-limit refusal below info', () => {
    const { lines, log } = capture();
    log.errors({}, [new GraphQLError('bad', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })], refusal('x'.repeat(100_000)));
    log.errors({}, [new GraphQLError('bad', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })], refusal('Named'));
    log.errors({}, [new GraphQLError('slow down', { originalError: rateLimited('slow down', 5) })], refusal('Flood'));
    expect(lines.map((l) => [l.operation, l.type, l.errors, l.ip])).toEqual([
      [null, 'unknown', ['GRAPHQL_VALIDATION_FAILED'], origin.ip],
      ['Named', 'unknown', ['GRAPHQL_VALIDATION_FAILED'], origin.ip],
    ]);
  });

  it('counts an operation refused after its checks (before it ran) as a refusal, not as an open one', () => {
    const { lines, log } = capture();
    const payload = { query: '{ __schema { queryType { name } } }' };
    log.started(payload, undefined, 'query');
    log.errors(payload, [new GraphQLError('no introspection', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })], refusal());
    log.ended(payload);
    expect(lines.map((l) => [l.type, l.errors])).toEqual([['query', ['GRAPHQL_VALIDATION_FAILED']]]);
  });
});

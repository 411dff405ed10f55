import { readiness, readinessResponse, standardChecks } from './health.js';
import { graphqlOperationLabel, MAX_OPERATION_NAMES } from './metrics.js';

describe('readiness', () => {
  it('is ready when every check passes and names each failing check otherwise', async () => {
    const ok = standardChecks({ pingPostgres: async () => 1, pingRedis: async () => 'PONG', pendingMigrations: async () => [] });
    expect(await readiness(ok)).toEqual({ ready: true, checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } });

    const bad = standardChecks({
      pingPostgres: async () => 1,
      pingRedis: () => new Promise(() => undefined), // an unreachable Redis: the command never answers
      pendingMigrations: async () => ['20990101000000_next'],
    });
    const r = await readiness(bad, 50);
    expect(r.ready).toBe(false);
    expect(r.checks.postgres).toBe('ok');
    expect(r.checks.redis).toMatch(/did not answer within 50 ms/);
    expect(r.checks.migrations).toBe('pending migrations: 20990101000000_next');
  });

  it('answers /readyz with 200 ready or 503 unready and every check', async () => {
    expect(await readinessResponse([{ name: 'postgres', check: async () => undefined }])).toEqual({
      statusCode: 200,
      body: { status: 'ready', checks: { postgres: 'ok' } },
    });
    const down = await readinessResponse([
      { name: 'postgres', check: async () => undefined },
      { name: 'redis', check: () => Promise.reject(new Error('connection refused')) },
    ]);
    expect(down).toEqual({ statusCode: 503, body: { status: 'unready', checks: { postgres: 'ok', redis: 'connection refused' } } });
  });
});

describe('graphqlOperationLabel', () => {
  it('keeps well-formed names up to the cap and counts the rest as other', () => {
    expect(graphqlOperationLabel(undefined)).toBe('anonymous');
    expect(graphqlOperationLabel('Trigger Run; drop')).toBe('other');
    for (let i = 0; i < MAX_OPERATION_NAMES + 10; i++) graphqlOperationLabel(`Op${i}`);
    expect(graphqlOperationLabel('Op0')).toBe('Op0');
    expect(graphqlOperationLabel('NeverSeenBefore')).toBe('other');
  });
});

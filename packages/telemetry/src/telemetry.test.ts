import { readiness, readinessResponse, standardChecks } from './health.js';
import { graphqlOperationLabel, MAX_OPERATION_NAMES } from './metrics.js';
import { vacuumWarnings, type TableVacuumStats } from './vacuum.js';

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

describe('readiness warnings', () => {
  it('reports advisories under warnings without making the process unready, and omits them when empty', async () => {
    const checks = [{ name: 'postgres', check: async () => undefined }];
    expect(await readinessResponse(checks, [{ name: 'vacuum', inspect: async () => [] }])).toEqual({
      statusCode: 200,
      body: { status: 'ready', checks: { postgres: 'ok' } },
    });
    expect(await readinessResponse(checks, [{ name: 'vacuum', inspect: async () => ['autovacuum is off'] }])).toEqual({
      statusCode: 200,
      body: { status: 'ready', checks: { postgres: 'ok' }, warnings: { vacuum: ['autovacuum is off'] } },
    });
    const hung = await readinessResponse(checks, [{ name: 'vacuum', inspect: () => new Promise(() => undefined) }], 50);
    expect(hung.statusCode).toBe(200);
    expect(hung.body.warnings).toEqual({ vacuum: ['could not inspect vacuum: vacuum did not answer within 50 ms'] });
  });
});

describe('vacuumWarnings', () => {
  const table = (t: Partial<TableVacuumStats>): TableVacuumStats => ({
    table: 'TaskInstance',
    liveTuples: 100_000,
    deadTuples: 0,
    autovacuumEnabled: true,
    ...t,
  });

  it('says nothing when autovacuum is on and keeps up', () => {
    expect(vacuumWarnings({ autovacuum: true, tables: [table({ deadTuples: 20_000 })] })).toEqual([]); // 16.7 %
  });

  it('says autovacuum is off, and what to do', () => {
    const [w] = vacuumWarnings({ autovacuum: false, tables: [table({})] });
    expect(w).toMatch(/^autovacuum is off on this PostgreSQL server.*Set autovacuum = on .*VACUUM ANALYZE "TaskInstance"/);
  });

  it('names the tables whose reloptions disable autovacuum, with the statement that re-enables it', () => {
    expect(vacuumWarnings({ autovacuum: true, tables: [table({ table: 'TaskLog', autovacuumEnabled: false })] })).toEqual([
      'autovacuum is disabled on "TaskLog" (autovacuum_enabled=false): run ALTER TABLE "TaskLog" RESET (autovacuum_enabled).',
    ]);
  });

  it('names the tables over the dead-tuple ratio, ignoring small tables whatever their ratio', () => {
    const stats = {
      autovacuum: true,
      tables: [
        table({ liveTuples: 200_104, deadTuples: 595_957 }),
        table({ table: 'DagRun', liveTuples: 10, deadTuples: 9_000 }),
        table({ table: 'TaskTry', deadTuples: 30_000 }),
      ],
    };
    expect(vacuumWarnings(stats)).toEqual([
      'vacuum is not keeping up: "TaskInstance" 75% dead (595957 of 796061), "TaskTry" 23% dead (30000 of 130000), over 20%. ' +
        'Run VACUUM ANALYZE on "TaskInstance", "TaskTry" now, and make autovacuum run more often (lower autovacuum_naptime, raise autovacuum_vacuum_cost_limit or autovacuum_max_workers).',
    ]);
    expect(vacuumWarnings(stats, { deadRatio: 0.5, minDeadTuples: 1_000 })).toEqual([expect.stringMatching(/"TaskInstance" 75% dead.*"DagRun" 100% dead/)]);
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

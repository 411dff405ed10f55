import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

const VALIDATE = `query($s: JSON!) { validateDagSpec(spec: $s) { valid errors { path message } } }`;

describe('DAG spec validation through the API', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ name: 'validation', workers: 0, schedulers: 0 });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('returns every error of the spec with its path, and upsertDag stores nothing', async () => {
    const { client } = await signUp(stack.apiUrl, 'validation');
    const bad = {
      dagId: 'bad dag!',
      schedule: '61 * * * *',
      timezone: 'Mars/Olympus_Mons',
      tasks: [
        { taskId: 'a', type: 'noop', dependsOn: ['c'] },
        { taskId: 'b', type: 'teleport' },
        { taskId: 'c', type: 'noop', dependsOn: ['a'] },
        { taskId: 'a', type: 'noop' },
        { taskId: 'd', type: 'noop', dependsOn: ['nope'] },
        { taskId: 'e', type: 'http.request', with: { url: 5 } },
        { taskId: 'f', type: 's3.keySensor', connection: 'not_a_connection', with: { bucket: 'b', key: 'k' } },
      ],
    };
    const res = await client.request<{ validateDagSpec: { valid: boolean; errors: Array<{ path: string; message: string }> } }>(VALIDATE, { s: bad });
    expect(res.validateDagSpec.valid).toBe(false);
    const errors = res.validateDagSpec.errors;
    const at = (path: string) =>
      errors
        .filter((e) => e.path === path)
        .map((e) => e.message)
        .join(' | ');
    expect(at('dagId')).not.toBe('');
    expect(at('schedule')).not.toBe('');
    expect(at('timezone')).not.toBe('');
    expect(at('tasks[1].type')).toMatch(/teleport/);
    expect(at('tasks[3].taskId')).toMatch(/duplicate/i);
    expect(at('tasks[4].dependsOn[0]')).toMatch(/nope/);
    expect(errors.some((e) => /cycle/i.test(e.message) && /a/.test(e.message) && /c/.test(e.message))).toBe(true);
    expect(errors.some((e) => e.path.startsWith('tasks[5].with.url'))).toBe(true);
    expect(at('tasks[6].connection')).toMatch(/not_a_connection/);

    // the same through the mutation form
    const viaMutation = await client.request<{ validateDagSpec: { valid: boolean } }>(`mutation($s: JSON!) { validateDagSpec(spec: $s) { valid } }`, {
      s: bad,
    });
    expect(viaMutation.validateDagSpec.valid).toBe(false);

    const upsert = await client.raw(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, { s: bad });
    expect(upsert.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await stack.prisma.dag.count()).toBe(0);
    expect(await stack.prisma.dagVersion.count()).toBe(0);

    const good = { dagId: 'good_dag', tasks: [{ taskId: 'only', type: 'noop' }] };
    const ok = await client.request<{ validateDagSpec: { valid: boolean; errors: unknown[] } }>(VALIDATE, { s: good });
    expect(ok.validateDagSpec).toEqual({ valid: true, errors: [] });
  });

  it('creates a new version only when the spec changes', async () => {
    const { client } = await signUp(stack.apiUrl, 'versions');
    const spec = { dagId: 'versioned', tasks: [{ taskId: 'x', type: 'noop' }] };
    const up = (s: unknown) => client.request<{ upsertDag: { latestVersion: number } }>(`mutation($s: JSON!) { upsertDag(spec: $s) { latestVersion } }`, { s });
    expect((await up(spec)).upsertDag.latestVersion).toBe(1);
    expect((await up(spec)).upsertDag.latestVersion).toBe(1);
    expect((await up({ ...spec, description: 'now described' })).upsertDag.latestVersion).toBe(2);
    const versions = await client.request<{ dagVersions: Array<{ version: number }> }>(`query { dagVersions(dagId: "versioned") { version } }`);
    expect(versions.dagVersions.map((v) => v.version)).toEqual([2, 1]);
  });

  it('schedulePreview returns the right instants across a DST change, and rejects bad input with a path', async () => {
    const { client } = await signUp(stack.apiUrl, 'preview');
    const res = await client.request<{ schedulePreview: string[] }>(
      `query { schedulePreview(schedule: "0 3 * * *", timezone: "America/New_York", after: "2026-03-06T00:00:00Z", count: 4) }`,
    );
    expect(res.schedulePreview).toEqual(['2026-03-06T08:00:00.000Z', '2026-03-07T08:00:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T07:00:00.000Z']);
    const fall = await client.request<{ schedulePreview: string[] }>(
      `query { schedulePreview(schedule: "0 3 * * *", timezone: "America/New_York", after: "2026-10-31T00:00:00Z", count: 3) }`,
    );
    expect(fall.schedulePreview).toEqual(['2026-10-31T07:00:00.000Z', '2026-11-01T08:00:00.000Z', '2026-11-02T08:00:00.000Z']);
    const bad = await client.raw(`query { schedulePreview(schedule: "0 3 * *", timezone: "UTC") }`);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'schedule' });
    const badTz = await client.raw(`query { schedulePreview(schedule: "0 3 * * *", timezone: "Moon/Base") }`);
    expect(badTz.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'timezone' });
  });

  it('rejects unauthenticated calls and roles below the one required', async () => {
    const anonymous = await new (await import('./support/graphql.js')).GqlClient(stack.apiUrl).raw(`query { dags { totalCount } }`);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const { client } = await signUp(stack.apiUrl, 'roles');
    const viewerKey = await client.request<{ createApiKey: { secret: string } }>(`mutation { createApiKey(name: "ro", role: VIEWER) { secret } }`);
    const { GqlClient } = await import('./support/graphql.js');
    const viewer = new GqlClient(stack.apiUrl, viewerKey.createApiKey.secret);
    expect((await viewer.request<{ dags: { totalCount: number } }>(`query { dags { totalCount } }`)).dags.totalCount).toBe(0);
    const denied = await viewer.raw(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, { s: { dagId: 'x', tasks: [{ taskId: 'a', type: 'noop' }] } });
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await viewer.raw(`mutation { createApiKey(name: "up", role: OWNER) { secret } }`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // a revoked key stops working
    const keys = await client.request<{ apiKeys: Array<{ id: string }> }>(`query { apiKeys { id } }`);
    await client.request(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: keys.apiKeys[0].id });
    expect((await viewer.raw(`query { dags { totalCount } }`)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // every mutation was audited, without secrets
    const audit = await stack.prisma.auditLog.findMany({ where: { action: { in: ['signUp', 'createApiKey', 'revokeApiKey'] } } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['signUp', 'createApiKey', 'revokeApiKey']));
    expect(JSON.stringify(audit, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).not.toMatch(/correct-horse-battery|tower_key_|tower_sess_/);
  });
});

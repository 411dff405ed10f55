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
    const at = (path: string) => errors.filter((e) => e.path === path).map((e) => e.message).join(' | ');
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
    const viaMutation = await client.request<{ validateDagSpec: { valid: boolean } }>(
      `mutation($s: JSON!) { validateDagSpec(spec: $s) { valid } }`,
      { s: bad },
    );
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
});

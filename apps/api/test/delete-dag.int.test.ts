import { ok, startTestApi, uniqueEmail, type GqlResponse, type TestApi } from './support/test-api.js';

const SIGN_UP = `mutation($email: String!, $tenantName: String!) {
  signUp(email: $email, password: "correct-horse-battery", tenantName: $tenantName) { token user { id } tenant { id } }
}`;

let t: TestApi;

beforeAll(async () => {
  t = await startTestApi('delete-dag');
});

afterAll(async () => {
  await t?.stop();
});

const codeOf = (res: GqlResponse<unknown>) => res.errors?.[0]?.extensions?.code;

async function signUp(label: string): Promise<{ token: string; tenant: { id: string } }> {
  return ok(await t.gql<{ signUp: { token: string; tenant: { id: string } } }>(SIGN_UP, { email: uniqueEmail(label), tenantName: label })).signUp;
}

describe('deleteDag', () => {
  const UPSERT = `mutation($s: JSON!) { upsertDag(spec: $s) { id dagId } }`;
  const DELETE = `mutation($dagId: String!, $force: Boolean) { deleteDag(dagId: $dagId, force: $force) { id dagId canceledRuns deletedRuns } }`;
  type Deleted = { id: string; dagId: string; canceledRuns: number; deletedRuns: number };

  it('refuses while runs are active unless forced; forced, cancels them through the run lifecycle; keeps the audit trail', async () => {
    const owner = await signUp('delete');
    const other = await signUp('delete-other');
    const spec = {
      dagId: 'doomed',
      schedule: '0 3 * * *',
      tasks: [
        { taskId: 'a', type: 'noop' },
        { taskId: 'b', type: 'noop', dependsOn: ['a'] },
      ],
    };
    const dag = ok(await t.gql<{ upsertDag: { id: string } }>(UPSERT, { s: spec }, owner.token)).upsertDag;
    const run = ok(
      await t.gql<{ triggerDagRun: { id: string; state: string } }>(`mutation { triggerDagRun(dagId: "doomed") { id state } }`, {}, owner.token),
    ).triggerDagRun;
    expect(['queued', 'running']).toContain(run.state);

    // Another tenant: NOT_FOUND, nothing happens.
    expect(codeOf(await t.gql(DELETE, { dagId: 'doomed', force: true }, other.token))).toBe('NOT_FOUND');
    // A VIEWER cannot delete.
    const viewer = ok(
      await t.gql<{ createApiKey: { secret: string } }>(`mutation { createApiKey(name: "v", role: VIEWER) { secret } }`, {}, owner.token),
    ).createApiKey;
    expect(codeOf(await t.gql(DELETE, { dagId: 'doomed', force: true }, viewer.secret))).toBe('FORBIDDEN');

    const refused = await t.gql(DELETE, { dagId: 'doomed' }, owner.token);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', path: 'dagId', details: { reason: 'ACTIVE_RUNS', activeRuns: 1 } });
    expect(await t.db.prisma.dagRun.count({ where: { id: run.id, state: { in: ['queued', 'running'] } } })).toBe(1);
    expect(await t.db.prisma.dag.count({ where: { id: dag.id, paused: false } })).toBe(1);

    const deleted = ok(await t.gql<{ deleteDag: Deleted }>(DELETE, { dagId: 'doomed', force: true }, owner.token)).deleteDag;
    expect(deleted).toEqual({ id: dag.id, dagId: 'doomed', canceledRuns: 1, deletedRuns: 1 });
    // The cancel went through the lifecycle's compare-and-set (it is in the state-change journal).
    const journal = await t.db.prisma.stateChange.findMany({ where: { tenantId: owner.tenant.id, entity: 'run', entityId: run.id }, orderBy: { id: 'asc' } });
    expect(journal.at(-1)).toMatchObject({ state: 'canceled', event: 'cancel' });
    // Gone with its schedule, versions, runs and task instances.
    expect(codeOf(await t.gql(`{ dag(dagId: "doomed") { id } }`, {}, owner.token))).toBe('NOT_FOUND');
    expect(await t.db.prisma.dag.count({ where: { id: dag.id } })).toBe(0);
    expect(await t.db.prisma.dagVersion.count({ where: { dagPk: dag.id } })).toBe(0);
    expect(await t.db.prisma.taskInstance.count({ where: { dagRunId: run.id } })).toBe(0);
    expect(await t.db.prisma.dag.count({ where: { nextDueAt: { not: null }, dagId: 'doomed', tenantId: owner.tenant.id } })).toBe(0);
    // The audit trail stays, and says who deleted it.
    const audit = await t.db.prisma.auditLog.findMany({ where: { tenantId: owner.tenant.id }, orderBy: { id: 'asc' } });
    expect(audit.map((r) => r.action)).toEqual(expect.arrayContaining(['upsertDag', 'triggerDagRun', 'deleteDag']));
    expect(audit.filter((r) => r.action === 'deleteDag').map((r) => [(r.details as { outcome: string }).outcome, r.targetType, r.targetId])).toEqual([
      ['FORBIDDEN', null, null],
      ['CONFLICT', null, null],
      ['ok', 'Dag', dag.id],
    ]);
    expect(await t.db.prisma.auditLog.count({ where: { tenantId: other.tenant.id, action: 'deleteDag' } })).toBe(1);
    // The dagId can be used again.
    ok(await t.gql(UPSERT, { s: spec }, owner.token));
  });

  it('removes file triggers and the objects they saw; an idle DAG needs no force', async () => {
    const owner = await signUp('delete-trigger');
    ok(
      await t.gql(
        'mutation($i: CreateConnectionInput!) { createConnection(input: $i) { id } }',
        {
          i: {
            connId: 'lake',
            type: 's3',
            config: { endpoint: 'http://127.0.0.1:1', forcePathStyle: true, accessKeyId: 'k' },
            secrets: { secretAccessKey: 's' },
          },
        },
        owner.token,
      ),
    );
    const spec = {
      dagId: 'on_file',
      triggers: [{ type: 's3.objectCreated', connection: 'lake', bucket: 'b', key: 'in/*' }],
      tasks: [{ taskId: 'a', type: 'noop' }],
    };
    const dag = ok(await t.gql<{ upsertDag: { id: string } }>(UPSERT, { s: spec }, owner.token)).upsertDag;
    await t.db.prisma.s3TriggerObject.create({
      data: { tenantId: owner.tenant.id, dagPk: dag.id, connId: 'lake', bucket: 'b', key: 'in/x', etag: 'e', size: 1n },
    });
    expect(ok(await t.gql<{ deleteDag: Deleted }>(DELETE, { dagId: 'on_file' }, owner.token)).deleteDag).toMatchObject({ canceledRuns: 0, deletedRuns: 0 });
    expect(await t.db.prisma.s3TriggerObject.count({ where: { dagPk: dag.id } })).toBe(0);
    expect(await t.db.prisma.dag.count({ where: { tenantId: owner.tenant.id, triggers: { not: [] } } })).toBe(0);
    expect(codeOf(await t.gql(DELETE, { dagId: 'on_file' }, owner.token))).toBe('NOT_FOUND');
  });
});

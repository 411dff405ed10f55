import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ok, startTestApi, uniqueEmail, type TestApi } from './support/test-api.js';

const SIGN_UP = `mutation($email: String!, $tenantName: String!) { signUp(email: $email, password: "correct-horse-battery", tenantName: $tenantName) { token } }`;
const TRIES = `query($ti: ID!) { taskTries(taskInstanceId: $ti) { tryNumber state startedAt endedAt error } }`;

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi('task-tries');
});
afterAll(async () => {
  await t?.stop();
});

async function tenant(label: string): Promise<string> {
  return ok(await t.gql<{ signUp: { token: string } }>(SIGN_UP, { email: uniqueEmail(label), tenantName: label })).signUp.token;
}

describe('taskTries', () => {
  it("lists a task instance's tries oldest first with state, times and error, in its tenant only", async () => {
    const token = await tenant('tries');
    ok(await t.gql(`mutation { upsertDag(spec: { dagId: "tried", tasks: [{ taskId: "a", type: "noop" }] }) { dagId } }`, {}, token));
    const { triggerDagRun } = ok(await t.gql<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "tried") { id } }`, {}, token));
    const run = await t.db.prisma.dagRun.findUniqueOrThrow({ where: { id: triggerDagRun.id } });
    const ti = await t.db.prisma.taskInstance.upsert({
      where: { dagRunId_taskId: { dagRunId: run.id, taskId: 'a' } },
      create: { tenantId: run.tenantId, dagRunId: run.id, dagId: 'tried', taskId: 'a', operator: 'noop', tryNumber: 2, maxTries: 2 },
      update: { tryNumber: 2 },
    });
    await t.db.prisma.taskTry.createMany({
      data: [
        {
          tenantId: run.tenantId,
          taskInstanceId: ti.id,
          tryNumber: 2,
          state: 'success',
          startedAt: new Date('2026-01-01T00:01:00Z'),
          endedAt: new Date('2026-01-01T00:01:05Z'),
        },
        {
          tenantId: run.tenantId,
          taskInstanceId: ti.id,
          tryNumber: 1,
          state: 'failed',
          startedAt: new Date('2026-01-01T00:00:00Z'),
          endedAt: new Date('2026-01-01T00:00:03Z'),
          error: 'HTTP 500',
        },
      ],
    });

    const { taskTries } = ok(
      await t.gql<{ taskTries: { tryNumber: number; state: string; error: string | null; endedAt: string }[] }>(TRIES, { ti: ti.id }, token),
    );
    expect(taskTries.map((x) => [x.tryNumber, x.state, x.error])).toEqual([
      [1, 'failed', 'HTTP 500'],
      [2, 'success', null],
    ]);
    expect(taskTries[0].endedAt).toBe('2026-01-01T00:00:03.000Z');

    const other = await tenant('tries-other');
    expect((await t.gql(TRIES, { ti: ti.id }, other)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

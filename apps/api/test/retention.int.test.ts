import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { archivedLogKey, Retention } from '@tower/engine';
import { createLogArchive } from '@tower/operators';
import { startTestS3, type TestS3 } from '../../../packages/operators/src/s3/test-support.js';
import { ok, startTestApi, uniqueEmail, type TestApi } from './support/test-api.js';

const SIGN_UP = `mutation($email: String!, $tenantName: String!) { signUp(email: $email, password: "correct-horse-battery", tenantName: $tenantName) { token tenant { id } } }`;
const POLICY = `{ retentionPolicy { runRetentionDays logRetentionDays } }`;
const UPDATE = `mutation($runs: Int, $logs: Int) { updateRetentionPolicy(runRetentionDays: $runs, logRetentionDays: $logs) { runRetentionDays logRetentionDays } }`;
const LOG = `query($ti: ID!, $try: Int, $after: ID, $first: Int) { taskLog(taskInstanceId: $ti, tryNumber: $try, afterId: $after, first: $first) { id ts level message } }`;
const BUCKET = 'tower-platform-logs';

interface Line {
  id: string;
  ts: string;
  level: string;
  message: string;
}

let t: TestApi;
let s3: TestS3;
let archiveConfig: { bucket: string; prefix: string; region: string; endpoint: string; accessKeyId: string; secretAccessKey: string };
beforeAll(async () => {
  s3 = await startTestS3([BUCKET]);
  archiveConfig = { bucket: BUCKET, prefix: 'archive/logs', region: 'us-east-1', endpoint: s3.endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  t = await startTestApi('retention', {
    LOG_ARCHIVE_BUCKET: BUCKET,
    LOG_ARCHIVE_PREFIX: archiveConfig.prefix,
    LOG_ARCHIVE_S3_ENDPOINT: s3.endpoint,
    LOG_ARCHIVE_S3_ACCESS_KEY_ID: 'S3RVER',
    LOG_ARCHIVE_S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
});
afterAll(async () => {
  await t?.stop();
  await s3?.close();
});

async function tenant(label: string): Promise<{ token: string; tenantId: string }> {
  const { signUp } = ok(await t.gql<{ signUp: { token: string; tenant: { id: string } } }>(SIGN_UP, { email: uniqueEmail(label), tenantName: label }));
  return { token: signUp.token, tenantId: signUp.tenant.id };
}

async function apiKey(ownerToken: string, role: string): Promise<string> {
  const res = ok(
    await t.gql<{ createApiKey: { secret: string } }>(`mutation($r: Role!) { createApiKey(name: "k", role: $r) { secret } }`, { r: role }, ownerToken),
  );
  return res.createApiKey.secret;
}

describe('retention policy through the API', () => {
  it('reads the defaults, lets an ADMIN change them, refuses lower roles and bad values, audits every attempt', async () => {
    const a = await tenant('retention-a');
    const b = await tenant('retention-b');
    expect(ok(await t.gql(POLICY, {}, a.token))).toEqual({ retentionPolicy: { runRetentionDays: 90, logRetentionDays: 30 } });

    for (const role of ['VIEWER', 'OPERATOR', 'EDITOR']) {
      const key = await apiKey(a.token, role);
      expect(ok(await t.gql(POLICY, {}, key)).retentionPolicy).toEqual({ runRetentionDays: 90, logRetentionDays: 30 });
      expect((await t.gql(UPDATE, { runs: 10 }, key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const admin = await apiKey(a.token, 'ADMIN');
    expect(ok(await t.gql(UPDATE, { runs: 60 }, admin))).toEqual({ updateRetentionPolicy: { runRetentionDays: 60, logRetentionDays: 30 } });
    expect(ok(await t.gql(UPDATE, { logs: 7 }, a.token))).toEqual({ updateRetentionPolicy: { runRetentionDays: 60, logRetentionDays: 7 } });

    const tooLong = await t.gql(UPDATE, { logs: 61 }, a.token);
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'logRetentionDays' });
    expect(tooLong.errors?.[0]?.message).toBe("logRetentionDays (61) must not exceed runRetentionDays (60): a run's logs are deleted with it");
    const zero = await t.gql(UPDATE, { runs: 0, logs: 1 }, a.token);
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'runRetentionDays' });
    expect(zero.errors?.[0]?.message).toBe('runRetentionDays must be a whole number of days from 1 to 3650');
    // Nothing half-written: the refused changes left the policy as it was.
    expect(ok(await t.gql(POLICY, {}, a.token))).toEqual({ retentionPolicy: { runRetentionDays: 60, logRetentionDays: 7 } });
    // Another tenant's policy is its own.
    expect(ok(await t.gql(POLICY, {}, b.token))).toEqual({ retentionPolicy: { runRetentionDays: 90, logRetentionDays: 30 } });

    const audit = await t.db.prisma.auditLog.findMany({ where: { tenantId: a.tenantId, action: 'updateRetentionPolicy' }, orderBy: { id: 'asc' } });
    expect(audit.map((e) => (e.details as { outcome: string }).outcome)).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'ok',
      'ok',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
    ]);
    expect((audit[3].details as { args: unknown }).args).toEqual({ runRetentionDays: 60 });
    expect(await t.db.prisma.auditLog.count({ where: { tenantId: b.tenantId, action: 'updateRetentionPolicy' } })).toBe(0);
  });
});

describe('archived logs', () => {
  it('are read back by taskLog identically (lines, order, paging) from under the tenant’s own prefix, and by no other tenant', async () => {
    const a = await tenant('archive-a');
    const b = await tenant('archive-b');
    ok(await t.gql(`mutation { upsertDag(spec: { dagId: "archived", tasks: [{ taskId: "a", type: "noop" }] }) { dagId } }`, {}, a.token));
    const { triggerDagRun } = ok(await t.gql<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "archived") { id } }`, {}, a.token));
    const prisma = t.db.prisma;
    const run = await prisma.dagRun.findUniqueOrThrow({ where: { id: triggerDagRun.id } });
    const ti = await prisma.taskInstance.upsert({
      where: { dagRunId_taskId: { dagRunId: run.id, taskId: 'a' } },
      create: { tenantId: a.tenantId, dagRunId: run.id, dagId: 'archived', taskId: 'a', operator: 'noop', tryNumber: 2, maxTries: 2, state: 'success' },
      update: { tryNumber: 2, state: 'success' },
    });
    // Two tries' lines, interleaved ids, with levels, unicode and a multi-line message.
    const base = Date.parse('2026-03-01T10:00:00Z');
    const data = Array.from({ length: 25 }, (_, i) => ({
      tenantId: a.tenantId,
      taskInstanceId: ti.id,
      tryNumber: i < 10 ? 1 : 2,
      ts: new Date(base + i * 1000 + (i % 3)),
      level: ['info', 'warn', 'error'][i % 3],
      message: i === 12 ? 'multi\nline "quoted" — ünïcode ✓' : `line ${i}`,
    }));
    await prisma.taskLog.createMany({ data });
    // The run ended two hours ago: past LOG_ARCHIVE_AFTER_MS (1 h by default).
    await prisma.dagRun.update({ where: { id: run.id }, data: { state: 'success', endedAt: new Date(Date.now() - 2 * 3_600_000) } });

    const read = async (vars: Record<string, unknown>, token = a.token) => ok(await t.gql<{ taskLog: Line[] }>(LOG, { ti: ti.id, ...vars }, token)).taskLog;
    const pages = async (tryNumber: number) => {
      const out: Line[][] = [];
      for (let after: string | undefined; ;) {
        const page = await read({ try: tryNumber, after, first: 4 });
        if (page.length === 0) return out;
        out.push(page);
        after = page[page.length - 1].id;
      }
    };
    const before = { latest: await read({}), first: await read({ try: 1 }), pages1: await pages(1), pages2: await pages(2) };
    expect(before.latest).toHaveLength(15);
    expect(before.first).toHaveLength(10);

    const archive = createLogArchive(archiveConfig)!;
    const stats = await new Retention({ prisma, logArchive: archive }, { pauseMs: 0 }).sweep(new Date());
    expect(stats).toMatchObject({ runsArchived: 1, triesArchived: 2 });
    expect(await prisma.taskLog.count({ where: { taskInstanceId: ti.id } })).toBe(0);
    expect((await prisma.dagRun.findUniqueOrThrow({ where: { id: run.id } })).logsArchivedAt).toEqual(
      (await prisma.dagRun.findUniqueOrThrow({ where: { id: run.id } })).endedAt,
    );

    // Stored gzip-compressed under <prefix>/<tenantId>/<runId>/…, one object per try.
    const key = archivedLogKey(archive, a.tenantId, run.id, ti.id, 2);
    expect(key).toBe(`archive/logs/${a.tenantId}/${run.id}/${ti.id}/2.jsonl.gz`);
    const object = await archive.store.get(key);
    expect(object!.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(object!).toString('utf8').split('\n')).toHaveLength(15);

    // Read back identically: the latest try, one try, and page by page.
    expect(await read({})).toEqual(before.latest);
    expect(await read({ try: 1 })).toEqual(before.first);
    expect(await pages(1)).toEqual(before.pages1);
    expect(await pages(2)).toEqual(before.pages2);
    expect((await read({ try: 2 })).find((l) => l.message.startsWith('multi'))?.message).toBe('multi\nline "quoted" — ünïcode ✓');

    // Another tenant: the task instance is not found, and its own prefix holds nothing of it.
    expect((await t.gql(LOG, { ti: ti.id }, b.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await t.gql(LOG, { ti: ti.id, after: '0', first: 10 }, b.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await archive.store.get(archivedLogKey(archive, b.tenantId, run.id, ti.id, 2))).toBeNull();

    // A second pass has nothing left to archive.
    expect(await new Retention({ prisma, logArchive: archive }, { pauseMs: 0 }).sweep(new Date())).toMatchObject({ runsArchived: 0, triesArchived: 0 });
    // Log retention deletes the archive too.
    await prisma.tenant.update({ where: { id: a.tenantId }, data: { logRetentionDays: 1 } });
    const purged = await new Retention({ prisma, logArchive: archive }, { pauseMs: 0 }).sweep(new Date(Date.now() + 2 * 86_400_000));
    expect(purged.objectsDeleted).toBe(2);
    expect(await archive.store.get(key)).toBeNull();
    expect(await read({})).toEqual([]);
    archive.store.destroy();
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OperatorError, RescheduleTry, SkipTask, type OperatorContext } from '../operator.js';
import { s3KeySensorOperator } from './key-sensor.operator.js';
import { pokeIntervalSeconds } from '../sensor/poke-interval.js';
import { startTestS3, testContext, type TestS3 } from './test-support.js';

let s3: TestS3;

beforeAll(async () => {
  s3 = await startTestS3(['sales', 'other']);
  await s3.put('sales', 'incoming/sales_data_2026-01-01.csv', 'order_id\n1\n');
  await s3.put('sales', 'incoming/2026/sales_data_2026-01-02.csv', 'order_id\n2\n');
  await s3.put('sales', 'incoming/readme.txt', 'hi');
  await s3.put('sales', 'exact/a.csv', 'x');
  await s3.put('sales', 'exact/a.csv.bak', 'x');
});

afterAll(async () => {
  await s3?.close();
});

function sensor(params: Record<string, unknown>, extra: Partial<OperatorContext> = {}) {
  return testContext({
    taskId: 'wait_for_sales_file',
    params: { connection: 'test_s3', bucket: 'sales', ...params },
    connections: [s3.connection()],
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error(`expected a rejection, got ${String(err)}`);
  return err;
}

describe('s3.keySensor', () => {
  it('succeeds on an existing exact key, pushing keys and returning bucket, keys and connection', async () => {
    const { ctx, xcom, logs } = sensor({ key: 'exact/a.csv' });
    await expect(s3KeySensorOperator.execute(ctx)).resolves.toEqual({ bucket: 'sales', keys: ['exact/a.csv'], connection: 'test_s3' });
    expect(xcom).toEqual({ keys: ['exact/a.csv'] });
    expect(logs.map((l) => l.message)).toContain('poke 1: s3://sales/exact/a.csv: found 1 object(s)');
    expect(JSON.stringify(logs)).not.toContain('S3RVER');
  });

  it('reschedules a missing key pokeIntervalSeconds later', async () => {
    const { ctx } = sensor({ key: 'exact/missing.csv', pokeIntervalSeconds: 30 });
    const before = Date.now();
    const err = await failure(s3KeySensorOperator.execute(ctx));
    const after = Date.now();
    expect(err).toBeInstanceOf(RescheduleTry);
    const at = (err as RescheduleTry).at.getTime();
    expect(at).toBeGreaterThanOrEqual(before + 30_000);
    expect(at).toBeLessThanOrEqual(after + 30_000);
  });

  it('treats a key without wildcard literally (no prefix match, no pattern)', async () => {
    const { ctx } = sensor({ key: 'exact/a' });
    expect(await failure(s3KeySensorOperator.execute(ctx))).toBeInstanceOf(RescheduleTry);
    const star = sensor({ key: 'incoming/*.csv' });
    expect(await failure(s3KeySensorOperator.execute(star.ctx))).toBeInstanceOf(RescheduleTry);
  });

  it('never reschedules past the timeout instant', async () => {
    const sensorStartedAt = new Date(Date.now() - 95_000);
    const { ctx } = sensor({ key: 'exact/missing.csv', pokeIntervalSeconds: 30, timeoutSeconds: 100 }, { sensorStartedAt });
    const err = await failure(s3KeySensorOperator.execute(ctx));
    expect((err as RescheduleTry).at.getTime()).toBe(sensorStartedAt.getTime() + 100_000);
  });

  it('backs off exponentially by reschedule count', async () => {
    const sensorStartedAt = new Date(Date.now() - 1000);
    const { ctx } = sensor({ key: 'exact/missing.csv', pokeIntervalSeconds: 60, exponentialBackoff: true }, { sensorStartedAt, rescheduleCount: 4 });
    const expected = pokeIntervalSeconds({
      pokeIntervalSeconds: 60,
      pokeNumber: 5,
      exponentialBackoff: true,
      dagId: ctx.dagId,
      taskId: ctx.taskId,
      sensorStartedAt,
    });
    expect(expected).toBeGreaterThanOrEqual(480);
    const before = Date.now();
    const err = await failure(s3KeySensorOperator.execute(ctx));
    const at = (err as RescheduleTry).at.getTime();
    expect(at).toBeGreaterThanOrEqual(before + expected * 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + expected * 1000);
  });

  it('matches wildcards with fnmatch semantics (* crosses /)', async () => {
    const { ctx, xcom } = sensor({ key: 'incoming/sales_data_*.csv', wildcard: true });
    const out = await s3KeySensorOperator.execute(ctx);
    expect(out).toEqual({ bucket: 'sales', keys: ['incoming/sales_data_2026-01-01.csv'], connection: 'test_s3' });
    const deep = sensor({ key: 'incoming/*sales_data_*.csv', wildcard: true });
    await expect(s3KeySensorOperator.execute(deep.ctx)).resolves.toMatchObject({
      keys: ['incoming/2026/sales_data_2026-01-02.csv', 'incoming/sales_data_2026-01-01.csv'],
    });
    expect(xcom.keys).toEqual(['incoming/sales_data_2026-01-01.csv']);
    const none = sensor({ key: 'incoming/*.parquet', wildcard: true });
    expect(await failure(s3KeySensorOperator.execute(none.ctx))).toBeInstanceOf(RescheduleTry);
  });

  it('needs every key of a list', async () => {
    const partial = sensor({ key: ['exact/a.csv', 'exact/b.csv'] });
    expect(await failure(s3KeySensorOperator.execute(partial.ctx))).toBeInstanceOf(RescheduleTry);
    expect(partial.logs.map((l) => l.message).join('\n')).toContain('missing: exact/b.csv');
    const all = sensor({ key: ['exact/a.csv', 'incoming/readme.txt'] });
    await expect(s3KeySensorOperator.execute(all.ctx)).resolves.toMatchObject({ keys: ['exact/a.csv', 'incoming/readme.txt'] });
    const patterns = sensor({ key: ['exact/*', 'incoming/*.txt'], wildcard: true });
    await expect(s3KeySensorOperator.execute(patterns.ctx)).resolves.toMatchObject({ keys: ['exact/a.csv', 'exact/a.csv.bak', 'incoming/readme.txt'] });
  });

  it('checks only the triggering object when the run was started by a matching file', async () => {
    const triggerObject = { connection: 'test_s3', bucket: 'sales', key: 'incoming/2026/sales_data_2026-01-02.csv', etag: 'e', size: 15 };
    const { ctx } = sensor({ key: 'incoming/*sales_data_*.csv', wildcard: true }, { triggerObject });
    await expect(s3KeySensorOperator.execute(ctx)).resolves.toMatchObject({ keys: ['incoming/2026/sales_data_2026-01-02.csv'] });
    // Another bucket or a non-matching key: the trigger does not narrow the sensor.
    const elsewhere = sensor({ key: 'incoming/*sales_data_*.csv', wildcard: true }, { triggerObject: { ...triggerObject, bucket: 'other' } });
    await expect(s3KeySensorOperator.execute(elsewhere.ctx)).resolves.toMatchObject({ keys: expect.arrayContaining(['incoming/sales_data_2026-01-01.csv']) });
    const unrelated = sensor({ key: 'exact/a.csv' }, { triggerObject });
    await expect(s3KeySensorOperator.execute(unrelated.ctx)).resolves.toMatchObject({ keys: ['exact/a.csv'] });
    // The triggering object is gone: the sensor waits for it, not for its neighbours.
    const gone = sensor({ key: 'incoming/*sales_data_*.csv', wildcard: true }, { triggerObject: { ...triggerObject, key: 'incoming/sales_data_gone.csv' } });
    expect(await failure(s3KeySensorOperator.execute(gone.ctx))).toBeInstanceOf(RescheduleTry);
  });

  it('fails for good once timeoutSeconds have passed since the first poke', async () => {
    const { ctx } = sensor({ key: 'exact/missing.csv', timeoutSeconds: 100 }, { sensorStartedAt: new Date(Date.now() - 100_000), rescheduleCount: 3 });
    const err = await failure(s3KeySensorOperator.execute(ctx));
    expect(err).toBeInstanceOf(OperatorError);
    expect((err as OperatorError).retryable).toBe(false);
    expect(err.message).toMatch(/^sensor wait_for_sales_file timed out: waited 100s \(timeoutSeconds 100\) for s3:\/\/sales\/exact\/missing\.csv$/);
  });

  it('is skipped on timeout with softFail', async () => {
    const { ctx } = sensor({ key: 'exact/missing.csv', timeoutSeconds: 10, softFail: true }, { sensorStartedAt: new Date(Date.now() - 60_000) });
    const err = await failure(s3KeySensorOperator.execute(ctx));
    expect(err).toBeInstanceOf(SkipTask);
    expect(err.message).toContain('timed out');
  });

  it('still succeeds when the object is there at the last poke after the timeout', async () => {
    const { ctx } = sensor({ key: 'exact/a.csv', timeoutSeconds: 10 }, { sensorStartedAt: new Date(Date.now() - 60_000) });
    await expect(s3KeySensorOperator.execute(ctx)).resolves.toMatchObject({ keys: ['exact/a.csv'] });
  });

  it('treats deferred mode as reschedule', async () => {
    const { ctx } = sensor({ key: 'exact/missing.csv', mode: 'deferred', pokeIntervalSeconds: 5 });
    expect(await failure(s3KeySensorOperator.execute(ctx))).toBeInstanceOf(RescheduleTry);
  });

  it('in poke mode keeps poking until an object uploaded meanwhile appears', async () => {
    const { ctx, logs } = sensor({ key: 'poke/late_*.csv', wildcard: true, mode: 'poke', pokeIntervalSeconds: 0.1, timeoutSeconds: 30 });
    // Uploaded once two pokes have been logged (missing it), so at least a third poke finds it.
    const pokesLogged = () => logs.filter((l) => /^poke \d+:/.test(l.message)).length;
    const upload = (async () => {
      const deadline = Date.now() + 20_000;
      while (pokesLogged() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await s3.put('sales', 'poke/late_1.csv', 'x');
    })();
    const out = await s3KeySensorOperator.execute(ctx);
    await upload;
    expect(out).toEqual({ bucket: 'sales', keys: ['poke/late_1.csv'], connection: 'test_s3' });
    const pokes = logs.filter((l) => /^poke \d+:/.test(l.message));
    expect(pokes.length).toBeGreaterThanOrEqual(3);
    expect(pokes.slice(0, 2).map((l) => l.message.endsWith(': not found'))).toEqual([true, true]);
    expect(pokes[pokes.length - 1].message).toContain('found 1 object(s)');
  });

  it('in poke mode times out, and stops at once when the try is aborted', async () => {
    const timeout = sensor({ key: 'exact/missing.csv', mode: 'poke', pokeIntervalSeconds: 0.1, timeoutSeconds: 0.5 }, { sensorStartedAt: new Date() });
    const err = await failure(s3KeySensorOperator.execute(timeout.ctx));
    expect(err).toBeInstanceOf(OperatorError);
    expect((err as OperatorError).retryable).toBe(false);

    const controller = new AbortController();
    const aborted = sensor({ key: 'exact/missing.csv', mode: 'poke', pokeIntervalSeconds: 60 }, { signal: controller.signal });
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('worker shutting down')), 200);
    expect((await failure(s3KeySensorOperator.execute(aborted.ctx))).message).toBe('worker shutting down');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails for good on a bad configuration, naming the field', async () => {
    const { ctx } = sensor({ key: 'a', mode: 'sleep' });
    const err = await failure(s3KeySensorOperator.execute(ctx));
    expect(err).toEqual(new OperatorError('task wait_for_sales_file: with.mode must be one of reschedule, poke, deferred, got "sleep"', false));
    const noKey = sensor({ key: [] });
    expect((await failure(s3KeySensorOperator.execute(noKey.ctx))).message).toBe(
      'task wait_for_sales_file: with.key must be a non-empty string or a non-empty list of strings, got []',
    );
  });

  it('uses the task-level connection and fails for good without any', async () => {
    const { ctx } = testContext({ params: { bucket: 'sales', key: 'exact/a.csv' }, connections: [s3.connection('sales_s3')], defaultConnection: 'sales_s3' });
    await expect(s3KeySensorOperator.execute(ctx)).resolves.toMatchObject({ connection: 'sales_s3' });
    const none = testContext({ taskId: 'w', params: { bucket: 'sales', key: 'exact/a.csv' }, connections: [] });
    const err = await failure(s3KeySensorOperator.execute(none.ctx));
    expect(err).toBeInstanceOf(OperatorError);
    expect((err as OperatorError).retryable).toBe(false);
    expect(err.message).toBe("task w: no S3 connection: set with.connection or the task's connection");
  });

  it('fails for good on bad credentials or a missing bucket, without leaking the secret', async () => {
    // s3rver checks the access key id (it does not verify SigV4 signatures).
    const bad = { ...s3.connection(), config: { ...s3.connection().config, accessKeyId: 'NOT_A_KEY' }, secrets: { secretAccessKey: 'TopSecretValue123' } };
    const { ctx } = testContext({ params: { connection: 'test_s3', bucket: 'sales', key: 'exact/a.csv' }, connections: [bad] });
    const err = await failure(s3KeySensorOperator.execute(ctx));
    expect(err).toBeInstanceOf(OperatorError);
    expect((err as OperatorError).retryable).toBe(false);
    expect(err.message).toMatch(/^listing s3:\/\/sales\/exact\/a\.csv failed: InvalidAccessKeyId/);
    expect(err.message).not.toContain('TopSecretValue123');
    const missing = sensor({ bucket: 'no-such-bucket', key: 'a' });
    const err2 = await failure(s3KeySensorOperator.execute(missing.ctx));
    expect(err2.message).toMatch(/NoSuchBucket/);
    expect((err2 as OperatorError).retryable).toBe(false);
  });
});

import { describe, expect, it } from '@jest/globals';
import { SENSOR_DEFAULTS } from '@tower/core';
import { OperatorError, RescheduleTry, SkipTask, type OperatorContext } from '../operator.js';
import { testContext } from '../s3/test-support.js';
import { pokeIntervalSeconds } from './poke-interval.js';
import { readSensorSettings, sensorOperator, type SensorSession } from './sensor.js';

/** A sensor whose condition holds from poke `readyAt` on (never when undefined). */
function countingSensor(readyAt?: number) {
  const pokes: number[] = [];
  let closed = 0;
  const op = sensorOperator({
    type: 's3.keySensor',
    async open(): Promise<SensorSession<{ poke: number }>> {
      return {
        target: 'the thing',
        waitingFor: 'the narrowed thing',
        async poke(n) {
          pokes.push(n);
          return readyAt !== undefined && n >= readyAt ? { poke: n } : undefined;
        },
        close: () => void closed++,
      };
    },
  });
  return { op, pokes, closed: () => closed };
}

function ctxOf(params: Record<string, unknown>, extra: Partial<OperatorContext> = {}) {
  return testContext({ taskId: 'wait', params, connections: [], ...extra }).ctx;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error(`expected a rejection, got ${String(err)}`);
  return err;
}

describe('sensor base', () => {
  it('takes the defaults from core for the shared fields a `with` leaves out', () => {
    expect(readSensorSettings(ctxOf({}))).toEqual(SENSOR_DEFAULTS);
    expect(readSensorSettings(ctxOf({ mode: 'poke', softFail: true }))).toEqual({ ...SENSOR_DEFAULTS, mode: 'poke', softFail: true });
  });

  it('returns what the poke found and closes the session', async () => {
    const s = countingSensor(1);
    await expect(s.op.execute(ctxOf({}))).resolves.toEqual({ poke: 1 });
    expect(s.closed()).toBe(1);
  });

  it('numbers pokes across reschedules and reschedules pokeIntervalSeconds later, naming what this try waits for', async () => {
    const s = countingSensor();
    const before = Date.now();
    const err = await failure(s.op.execute(ctxOf({ pokeIntervalSeconds: 30 }, { rescheduleCount: 2 })));
    expect(s.pokes).toEqual([3]);
    expect(err).toBeInstanceOf(RescheduleTry);
    expect(err.message).toBe('waiting for the narrowed thing');
    expect((err as RescheduleTry).at.getTime()).toBeGreaterThanOrEqual(before + 30_000);
    expect(s.closed()).toBe(1);
  });

  it('backs off by the poke number across reschedules when asked', async () => {
    const sensorStartedAt = new Date(Date.now() - 1000);
    const ctx = ctxOf({ pokeIntervalSeconds: 10, exponentialBackoff: true }, { sensorStartedAt, rescheduleCount: 5 });
    const expected = pokeIntervalSeconds({
      pokeIntervalSeconds: 10,
      pokeNumber: 6,
      exponentialBackoff: true,
      dagId: ctx.dagId,
      taskId: ctx.taskId,
      sensorStartedAt,
    });
    const before = Date.now();
    const at = ((await failure(countingSensor().op.execute(ctx))) as RescheduleTry).at.getTime();
    expect(at).toBeGreaterThanOrEqual(before + expected * 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + expected * 1000);
  });

  it('never reschedules past the timeout instant, counted from the first poke', async () => {
    const sensorStartedAt = new Date(Date.now() - 95_000);
    const err = await failure(countingSensor().op.execute(ctxOf({ pokeIntervalSeconds: 30, timeoutSeconds: 100 }, { sensorStartedAt, rescheduleCount: 7 })));
    expect((err as RescheduleTry).at.getTime()).toBe(sensorStartedAt.getTime() + 100_000);
  });

  it('fails for good at the timeout, naming the configured target, or is skipped with softFail', async () => {
    const sensorStartedAt = new Date(Date.now() - 100_000);
    const hard = await failure(countingSensor().op.execute(ctxOf({ timeoutSeconds: 100 }, { sensorStartedAt })));
    expect(hard).toEqual(new OperatorError('sensor wait timed out: waited 100s (timeoutSeconds 100) for the thing', false));
    const soft = await failure(countingSensor().op.execute(ctxOf({ timeoutSeconds: 100, softFail: true }, { sensorStartedAt })));
    expect(soft).toBeInstanceOf(SkipTask);
    expect(soft.message).toBe('sensor wait timed out: waited 100s (timeoutSeconds 100) for the thing');
  });

  it('still succeeds when the condition holds at a poke past the timeout', async () => {
    await expect(countingSensor(1).op.execute(ctxOf({ timeoutSeconds: 1 }, { sensorStartedAt: new Date(Date.now() - 60_000) }))).resolves.toEqual({ poke: 1 });
  });

  it('treats deferred as reschedule, and in poke mode sleeps in the try until the condition holds', async () => {
    expect(await failure(countingSensor().op.execute(ctxOf({ mode: 'deferred' })))).toBeInstanceOf(RescheduleTry);
    const s = countingSensor(4);
    await expect(s.op.execute(ctxOf({ mode: 'poke', pokeIntervalSeconds: 0.01 }))).resolves.toEqual({ poke: 4 });
    expect(s.pokes).toEqual([1, 2, 3, 4]);
    expect(s.closed()).toBe(1);
  });

  it('checks the shared fields before opening anything', async () => {
    let opened = false;
    const op = sensorOperator({
      type: 's3.keySensor',
      async open(): Promise<SensorSession<true>> {
        opened = true;
        throw new Error('must not open');
      },
    });
    expect(await failure(op.execute(ctxOf({ mode: 'sleep' })))).toEqual(
      new OperatorError('task wait: with.mode must be one of reschedule, poke, deferred, got "sleep"', false),
    );
    expect(opened).toBe(false);
  });
});

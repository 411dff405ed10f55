import { SENSOR_DEFAULTS, SENSOR_MODES, type SensorSettings, type TaskType } from '@tower/core';
import { RescheduleTry, SensorTimeout, SkipTask, sleep, type Operator, type OperatorContext } from '../operator.js';
import { Params } from '../params.js';
import { pokeIntervalSeconds } from './poke-interval.js';

/** What one try of a sensor pokes, opened once per try and closed when the try ends. */
export interface SensorSession<R> {
  /** Looks once: the try's result when the condition holds, else undefined. `n` counts pokes across reschedules. */
  poke(n: number): Promise<R | undefined>;
  /** What the sensor is configured to wait for, named in the timeout message. */
  readonly target: string;
  /** What this try waits for (a triggered run may narrow the target), named in the reschedule message. */
  readonly waitingFor: string;
  close?(): void;
}

export interface SensorDefinition<T extends TaskType, R> {
  readonly type: T;
  /** Reads the sensor's own `with` fields and opens what poking needs (a client, a connection). */
  open(ctx: OperatorContext): Promise<SensorSession<R>>;
}

/** The shared `with` fields (core's SENSOR_WITH_FIELDS); a field left out takes core's default. */
export function readSensorSettings(ctx: OperatorContext): SensorSettings {
  const p = new Params(ctx);
  return {
    pokeIntervalSeconds: p.positiveNumber('pokeIntervalSeconds', SENSOR_DEFAULTS.pokeIntervalSeconds),
    timeoutSeconds: p.positiveNumber('timeoutSeconds', SENSOR_DEFAULTS.timeoutSeconds),
    mode: p.oneOf('mode', SENSOR_MODES, SENSOR_DEFAULTS.mode),
    softFail: p.boolean('softFail', SENSOR_DEFAULTS.softFail),
    exponentialBackoff: p.boolean('exponentialBackoff', SENSOR_DEFAULTS.exponentialBackoff),
  };
}

function timedOut(ctx: OperatorContext, settings: SensorSettings, session: SensorSession<unknown>, elapsedMs: number): Error {
  const message = `sensor ${ctx.taskId} timed out: waited ${Math.round(elapsedMs / 1000)}s (timeoutSeconds ${settings.timeoutSeconds}) for ${session.target}`;
  return settings.softFail ? new SkipTask(message) : new SensorTimeout(message);
}

/**
 * The poke loop of every sensor, like Airflow's BaseSensorOperator. Each try pokes first and
 * succeeds if the condition holds — even past the timeout, as Airflow. Otherwise, once
 * `timeoutSeconds` have passed since the first poke (across reschedules), it fails for good, or
 * is skipped with `softFail`. Modes:
 * - reschedule (default): throws RescheduleTry for the next poke, freeing the worker slot;
 * - deferred: the same as reschedule here — Tower has no separate triggerer process, and a
 *   rescheduled sensor already holds no worker slot between pokes, which is what deferral buys;
 * - poke: keeps the slot and sleeps between pokes inside the try.
 * The next poke is `pokeIntervalSeconds` later (see pokeIntervalSeconds for exponentialBackoff),
 * never after the timeout instant.
 */
async function pokeUntilDone<R>(ctx: OperatorContext, settings: SensorSettings, session: SensorSession<R>): Promise<R> {
  const started = ctx.sensorStartedAt.getTime();
  const deadline = started + settings.timeoutSeconds * 1000;
  for (let n = ctx.rescheduleCount + 1; ; n++) {
    const result = await session.poke(n);
    if (result !== undefined) return result;
    const now = Date.now();
    if (now >= deadline) throw timedOut(ctx, settings, session, now - started);
    const interval = pokeIntervalSeconds({ ...settings, pokeNumber: n, dagId: ctx.dagId, taskId: ctx.taskId, sensorStartedAt: ctx.sensorStartedAt });
    const next = Math.min(now + interval * 1000, deadline);
    if (settings.mode !== 'poke') {
      ctx.log('info', `rescheduled: next poke at ${new Date(next).toISOString()}`);
      throw new RescheduleTry(new Date(next), `waiting for ${session.waitingFor}`);
    }
    await sleep(next - now, ctx.signal);
  }
}

/** An operator for a sensor: only what to open and how to poke is the sensor's own. */
export function sensorOperator<T extends TaskType, R>(definition: SensorDefinition<T, R>): Operator<T> {
  return {
    type: definition.type,
    async execute(ctx) {
      // The shared fields are checked before anything is opened: a bad mode fails without a connection.
      const settings = readSensorSettings(ctx);
      const session = await definition.open(ctx);
      try {
        return await pokeUntilDone(ctx, settings, session);
      } finally {
        session.close?.();
      }
    },
  };
}

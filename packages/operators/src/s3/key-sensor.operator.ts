import { OperatorError, RescheduleTry, SkipTask, sleep, type Operator, type OperatorContext } from '../operator.js';
import { s3OperatorError } from './client.js';
import { connectionIdFor, openS3, s3Url, type OpenS3 } from './context.js';
import { keyMatcher, listMatchingKeys } from './list.js';
import { Params } from './params.js';
import { pokeIntervalSeconds } from './poke-interval.js';

export const SENSOR_MODES = ['reschedule', 'poke', 'deferred'] as const;

interface SensorConfig {
  bucket: string;
  patterns: string[];
  wildcard: boolean;
  pokeIntervalSeconds: number;
  timeoutSeconds: number;
  mode: (typeof SENSOR_MODES)[number];
  softFail: boolean;
  exponentialBackoff: boolean;
}

function readConfig(ctx: OperatorContext): SensorConfig {
  const p = new Params(ctx);
  return {
    bucket: p.string('bucket'),
    patterns: p.stringOrList('key'),
    wildcard: p.boolean('wildcard', false),
    pokeIntervalSeconds: p.positiveNumber('pokeIntervalSeconds', 30),
    timeoutSeconds: p.positiveNumber('timeoutSeconds', 7 * 86_400),
    mode: p.oneOf('mode', SENSOR_MODES, 'reschedule'),
    softFail: p.boolean('softFail', false),
    exponentialBackoff: p.boolean('exponentialBackoff', false),
  };
}

/**
 * What to look for. A run started by an `s3.objectCreated` trigger whose object is in the
 * sensor's bucket and matches its (single) pattern checks exactly that object: the run belongs
 * to that file and must not pick up others that arrived meanwhile.
 */
function targets(ctx: OperatorContext, cfg: SensorConfig): { patterns: string[]; wildcard: boolean } {
  const t = ctx.triggerObject;
  if (t && cfg.patterns.length === 1 && t.bucket === cfg.bucket && keyMatcher(cfg.patterns[0], cfg.wildcard)(t.key)) {
    ctx.log('info', `run started by ${s3Url(t.bucket, t.key)}: checking only that object`);
    return { patterns: [t.key], wildcard: false };
  }
  return { patterns: cfg.patterns, wildcard: cfg.wildcard };
}

/** One poke: every pattern must match at least one object. The matching keys, or null. */
async function poke(ctx: OperatorContext, s3: OpenS3, cfg: SensorConfig, what: { patterns: string[]; wildcard: boolean }, n: number): Promise<string[] | null> {
  const keys: string[] = [];
  const missing: string[] = [];
  for (const pattern of what.patterns) {
    let found;
    try {
      found = await listMatchingKeys(s3.client, cfg.bucket, pattern, { wildcard: what.wildcard, signal: ctx.signal });
    } catch (err) {
      throw s3OperatorError(err, `listing ${s3Url(cfg.bucket, pattern)}`, s3.conn, ctx.signal);
    }
    if (found.length === 0) missing.push(pattern);
    for (const o of found) if (!keys.includes(o.key)) keys.push(o.key);
  }
  const summary = what.patterns.length === 1 ? s3Url(cfg.bucket, what.patterns[0]) : `${what.patterns.length} patterns in s3://${cfg.bucket}`;
  if (missing.length > 0) {
    ctx.log('info', `poke ${n}: ${summary}: not found${what.patterns.length > 1 ? ` (missing: ${missing.join(', ')})` : ''}`);
    return null;
  }
  ctx.log('info', `poke ${n}: ${summary}: found ${keys.length} object(s)`);
  return keys;
}

function timedOut(ctx: OperatorContext, cfg: SensorConfig, elapsedMs: number): Error {
  const message = `sensor ${ctx.taskId} timed out: waited ${Math.round(elapsedMs / 1000)}s (timeoutSeconds ${cfg.timeoutSeconds}) for ${cfg.patterns.map((k) => s3Url(cfg.bucket, k)).join(', ')}`;
  return cfg.softFail ? new SkipTask(message) : new OperatorError(message, false);
}

/**
 * Waits for S3 objects, like Airflow's S3KeySensor. `key` is one key or a list that must ALL
 * exist; with `wildcard` each is an fnmatch pattern (see fnmatchRegExp: `*` crosses `/`).
 * Each try pokes first and succeeds if everything is there — even past the timeout, as Airflow.
 * Otherwise, once `timeoutSeconds` have passed since the first poke (across reschedules), it
 * fails for good, or is skipped with `softFail`. Modes:
 * - reschedule (default): throws RescheduleTry for the next poke, freeing the worker slot;
 * - deferred: the same as reschedule here — Tower has no separate triggerer process, and a
 *   rescheduled sensor already holds no worker slot between pokes, which is what deferral buys;
 * - poke: keeps the slot and sleeps between pokes inside the try.
 * The next poke is `pokeIntervalSeconds` later (see pokeIntervalSeconds for exponentialBackoff),
 * never after the timeout instant. Returns { bucket, keys, connection }; `keys` is also pushed.
 */
export const s3KeySensorOperator: Operator = {
  type: 's3.keySensor',
  async execute(ctx) {
    const cfg = readConfig(ctx);
    const s3 = await openS3(ctx, connectionIdFor(ctx));
    try {
      const what = targets(ctx, cfg);
      const started = ctx.sensorStartedAt.getTime();
      const deadline = started + cfg.timeoutSeconds * 1000;
      for (let n = ctx.rescheduleCount + 1; ; n++) {
        const keys = await poke(ctx, s3, cfg, what, n);
        if (keys) {
          ctx.xcomPush('keys', keys);
          return { bucket: cfg.bucket, keys, connection: s3.connId };
        }
        const now = Date.now();
        if (now >= deadline) throw timedOut(ctx, cfg, now - started);
        const interval = pokeIntervalSeconds({ ...cfg, pokeNumber: n, dagId: ctx.dagId, taskId: ctx.taskId, sensorStartedAt: ctx.sensorStartedAt });
        const next = Math.min(now + interval * 1000, deadline);
        if (cfg.mode !== 'poke') {
          ctx.log('info', `rescheduled: next poke at ${new Date(next).toISOString()}`);
          throw new RescheduleTry(new Date(next), `waiting for ${what.patterns.map((k) => s3Url(cfg.bucket, k)).join(', ')}`);
        }
        await sleep(next - now, ctx.signal);
      }
    } finally {
      s3.client.destroy();
    }
  },
};

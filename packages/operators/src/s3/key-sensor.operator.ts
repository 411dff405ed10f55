import type { OperatorContext } from '../operator.js';
import { Params } from '../params.js';
import { sensorOperator, type SensorSession } from '../sensor/sensor.js';
import { s3OperatorError } from './client.js';
import { connectionIdFor, openS3, s3Url, type OpenS3 } from './context.js';
import { keyMatcher, listMatchingKeys } from './list.js';

interface KeySensorConfig {
  bucket: string;
  patterns: string[];
  wildcard: boolean;
}

interface KeySensorResult {
  bucket: string;
  keys: string[];
  connection: string;
}

function readConfig(ctx: OperatorContext): KeySensorConfig {
  const p = new Params(ctx);
  return { bucket: p.string('bucket'), patterns: p.stringOrList('key'), wildcard: p.boolean('wildcard', false) };
}

/**
 * What to look for. A run started by an `s3.objectCreated` trigger whose object is in the
 * sensor's bucket and matches its (single) pattern checks exactly that object: the run belongs
 * to that file and must not pick up others that arrived meanwhile.
 */
function targets(ctx: OperatorContext, cfg: KeySensorConfig): { patterns: string[]; wildcard: boolean } {
  const t = ctx.triggerObject;
  if (t && cfg.patterns.length === 1 && t.bucket === cfg.bucket && keyMatcher(cfg.patterns[0], cfg.wildcard)(t.key)) {
    ctx.log('info', `run started by ${s3Url(t.bucket, t.key)}: checking only that object`);
    return { patterns: [t.key], wildcard: false };
  }
  return { patterns: cfg.patterns, wildcard: cfg.wildcard };
}

/** One poke: every pattern must match at least one object. The matching keys, or undefined. */
async function poke(
  ctx: OperatorContext,
  s3: OpenS3,
  bucket: string,
  what: { patterns: string[]; wildcard: boolean },
  n: number,
): Promise<string[] | undefined> {
  const keys: string[] = [];
  const missing: string[] = [];
  for (const pattern of what.patterns) {
    let found;
    try {
      found = await listMatchingKeys(s3.client, bucket, pattern, { wildcard: what.wildcard, signal: ctx.signal });
    } catch (err) {
      throw s3OperatorError(err, `listing ${s3Url(bucket, pattern)}`, s3.conn, ctx.signal);
    }
    if (found.length === 0) missing.push(pattern);
    for (const o of found) if (!keys.includes(o.key)) keys.push(o.key);
  }
  const summary = what.patterns.length === 1 ? s3Url(bucket, what.patterns[0]) : `${what.patterns.length} patterns in s3://${bucket}`;
  if (missing.length > 0) {
    ctx.log('info', `poke ${n}: ${summary}: not found${what.patterns.length > 1 ? ` (missing: ${missing.join(', ')})` : ''}`);
    return undefined;
  }
  ctx.log('info', `poke ${n}: ${summary}: found ${keys.length} object(s)`);
  return keys;
}

/**
 * Waits for S3 objects, like Airflow's S3KeySensor, on the shared sensor loop (modes, timeout,
 * softFail: see pokeUntilDone). `key` is one key or a list that must ALL exist; with `wildcard`
 * each is an fnmatch pattern (see fnmatchRegExp: `*` crosses `/`). Returns
 * { bucket, keys, connection }; `keys` is also pushed.
 */
export const s3KeySensorOperator = sensorOperator({
  type: 's3.keySensor',
  async open(ctx): Promise<SensorSession<KeySensorResult>> {
    const cfg = readConfig(ctx);
    const what = targets(ctx, cfg);
    const s3 = await openS3(ctx, connectionIdFor(ctx));
    const urls = (patterns: string[]) => patterns.map((k) => s3Url(cfg.bucket, k)).join(', ');
    return {
      target: urls(cfg.patterns),
      waitingFor: urls(what.patterns),
      async poke(n) {
        const keys = await poke(ctx, s3, cfg.bucket, what, n);
        if (!keys) return undefined;
        ctx.xcomPush('keys', keys);
        return { bucket: cfg.bucket, keys, connection: s3.connId };
      },
      close: () => s3.client.destroy(),
    };
  },
});

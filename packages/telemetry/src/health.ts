/**
 * Liveness and readiness. `/healthz` answers while the process runs (its event loop turns);
 * `/readyz` runs the process's checks — Postgres reachable, Redis reachable, migrations current —
 * each bounded by a timeout (a command to an unreachable Redis would otherwise wait for the
 * reconnect), and answers 503 with the failing checks named.
 */
export interface ReadinessCheck {
  name: string;
  /** Throws (or rejects) when not ready; the message is reported. */
  check: () => Promise<void>;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function readiness(checks: readonly ReadinessCheck[], timeoutMs = CHECK_TIMEOUT_MS): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (c): Promise<[string, string]> => {
      try {
        await withTimeout(c.check(), timeoutMs, c.name);
        return [c.name, 'ok'];
      } catch (err) {
        return [c.name, (err as Error).message || String(err)];
      }
    }),
  );
  return { ready: results.every(([, r]) => r === 'ok'), checks: Object.fromEntries(results) };
}

/** The `/readyz` answer of every process (the ops port's and the API's): its HTTP status and JSON body. */
export interface ReadinessResponse {
  statusCode: 200 | 503;
  /** `warnings` (by advisory name) only when an advisory has some: they never make the process unready. */
  body: { status: 'ready' | 'unready'; checks: Record<string, string>; warnings?: Record<string, string[]> };
}

export async function readinessResponse(
  checks: readonly ReadinessCheck[],
  advisories: readonly ReadinessAdvisory[] = [],
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<ReadinessResponse> {
  const [r, advice] = await Promise.all([readiness(checks, timeoutMs), inspectAdvisories(advisories, timeoutMs)]);
  const body: ReadinessResponse['body'] = { status: r.ready ? 'ready' : 'unready', checks: r.checks };
  if (Object.keys(advice).length) body.warnings = advice;
  return { statusCode: r.ready ? 200 : 503, body };
}

/** Each advisory's warnings (an advisory that fails says it could not tell), omitting those with none. */
export async function inspectAdvisories(advisories: readonly ReadinessAdvisory[], timeoutMs = CHECK_TIMEOUT_MS): Promise<Record<string, string[]>> {
  const results = await Promise.all(
    advisories.map(async (a): Promise<[string, string[]]> => {
      try {
        return [a.name, await withTimeout(a.inspect(), timeoutMs, a.name)];
      } catch (err) {
        return [a.name, [`could not inspect ${a.name}: ${(err as Error).message || String(err)}`]];
      }
    }),
  );
  return Object.fromEntries(results.filter(([, w]) => w.length > 0));
}

/** What the standard checks need: structural, so this package needs neither Prisma nor ioredis. */
export interface StandardCheckDeps {
  /** `SELECT 1` on the process's pool. */
  pingPostgres: () => Promise<unknown>;
  /** Migrations this build ships that the database has not applied (`pendingMigrations` of @tower/db). */
  pendingMigrations: () => Promise<string[]>;
  /** PING on the process's command connection. */
  pingRedis: () => Promise<unknown>;
}

/** Postgres, Redis, migrations: the checks of every Tower process. */
export function standardChecks(deps: StandardCheckDeps): ReadinessCheck[] {
  return [
    { name: 'postgres', check: async () => void (await deps.pingPostgres()) },
    {
      name: 'redis',
      check: async () => {
        const reply = await deps.pingRedis();
        if (reply !== 'PONG') throw new Error(`unexpected PING reply ${String(reply)}`);
      },
    },
    {
      name: 'migrations',
      check: async () => {
        const pending = await deps.pendingMigrations();
        if (pending.length) throw new Error(`pending migrations: ${pending.join(', ')}`);
      },
    },
  ];
}

/**
 * Advice that does not make the process unready (a server that vacuums too little still serves):
 * `/readyz` reports it under `warnings`, the process logs it at start-up.
 */
export interface ReadinessAdvisory {
  name: string;
  /** The warnings, each saying what to do; none when all is well. */
  inspect: () => Promise<string[]>;
}

// Samples pg_stat_activity of one database (BENCH_PG_SAMPLE=1): which statements are active, and
// what they wait on, every `intervalMs`. A cheap stand-in for pg_stat_statements, which is not loaded.
import pg from 'pg';

function normalize(sql) {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/\$\d+(\s*,\s*\$\d+)+/g, '$n…')
    .trim()
    .slice(0, 200);
}

export async function startPgSampler(databaseUrl, intervalMs = 50) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const db = new URL(databaseUrl).pathname.slice(1);
  const byQuery = new Map();
  const byWait = new Map();
  let samples = 0;
  let activeSum = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const { rows } = await client.query(
          `SELECT query, state, coalesce(wait_event_type || ':' || wait_event, 'cpu') AS wait FROM pg_stat_activity
           WHERE datname = $1 AND pid <> pg_backend_pid() AND state NOT IN ('idle')`,
          [db],
        );
        samples++;
        for (const r of rows) {
          const key = r.state === 'idle in transaction' ? `(idle in transaction) ${normalize(r.query)}` : normalize(r.query);
          byQuery.set(key, (byQuery.get(key) ?? 0) + 1);
          byWait.set(r.wait, (byWait.get(r.wait) ?? 0) + 1);
          if (r.state === 'active') activeSum++;
        }
      } catch {
        // database going away at the end
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await client.end().catch(() => undefined);
      const top = (m) =>
        [...m.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 30)
          .map(([k, v]) => ({ share: +(v / Math.max(1, samples)).toFixed(3), seen: v, key: k }));
      return { samples, intervalMs, meanActiveBackends: +(activeSum / Math.max(1, samples)).toFixed(2), topStatements: top(byQuery), waits: top(byWait) };
    },
  };
}

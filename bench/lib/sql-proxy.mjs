// A TCP proxy in front of Postgres that counts client round trips (extended-protocol Sync and
// simple Query messages) and groups them by statement text. Used only with BENCH_COUNT_SQL=1, to
// infer how many SQL round trips a task costs without touching Tower's code or the server config.
import net from 'node:net';

function normalize(sql) {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/\$\d+(\s*,\s*\$\d+)+/g, '$n…')
    .replace(/'[0-9a-f-]{36}'/g, "'uuid'")
    .trim()
    .slice(0, 220);
}

export async function startSqlProxy(databaseUrl, name) {
  const target = new URL(databaseUrl);
  const host = target.hostname;
  const port = Number(target.port || 5432);
  const stats = { name, roundTrips: 0, statements: new Map(), connections: 0 };
  const sockets = new Set();

  const server = net.createServer((client) => {
    stats.connections++;
    const upstream = net.connect(port, host);
    sockets.add(client);
    sockets.add(upstream);
    let buf = Buffer.alloc(0);
    let startup = true;
    let lastParse = null;
    const count = (text) => {
      stats.roundTrips++;
      const key = normalize(text ?? '(prepared statement)');
      stats.statements.set(key, (stats.statements.get(key) ?? 0) + 1);
    };
    client.on('data', (chunk) => {
      upstream.write(chunk);
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (startup) {
          if (buf.length < 8) break;
          const len = buf.readInt32BE(0);
          if (buf.length < len) break;
          const code = buf.readInt32BE(4);
          buf = buf.subarray(len);
          // SSLRequest / GSSENCRequest are followed by the real startup message.
          if (code !== 80877103 && code !== 80877104) startup = false;
          continue;
        }
        if (buf.length < 5) break;
        const type = String.fromCharCode(buf[0]);
        const len = buf.readInt32BE(1);
        if (buf.length < 1 + len) break;
        const body = buf.subarray(5, 1 + len);
        if (type === 'P') {
          const nameEnd = body.indexOf(0);
          const queryEnd = body.indexOf(0, nameEnd + 1);
          lastParse = body.toString('utf8', nameEnd + 1, queryEnd);
        } else if (type === 'S') {
          count(lastParse);
          lastParse = null;
        } else if (type === 'Q') {
          count(body.toString('utf8', 0, body.length - 1));
        }
        buf = buf.subarray(1 + len);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(server.address().port);
  return {
    url: proxied.toString(),
    stats,
    snapshot() {
      return { name, roundTrips: stats.roundTrips, statements: new Map(stats.statements) };
    },
    reset() {
      stats.roundTrips = 0;
      stats.statements.clear();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sums the proxies' counters by process kind (api/scheduler/worker) and by statement. */
export function summarizeSql(proxies, perUnit, unitName = 'task') {
  const byKind = {};
  const statements = new Map();
  let total = 0;
  for (const p of proxies) {
    const kind = p.stats.name.replace(/-\d+$/, '');
    byKind[kind] = (byKind[kind] ?? 0) + p.stats.roundTrips;
    total += p.stats.roundTrips;
    for (const [k, v] of p.stats.statements) {
      const key = `${kind} | ${k}`;
      statements.set(key, (statements.get(key) ?? 0) + v);
    }
  }
  const top = [...statements.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40);
  return {
    totalRoundTrips: total,
    [`roundTripsPer_${unitName}`]: perUnit ? +(total / perUnit).toFixed(2) : null,
    byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, { roundTrips: v, [`per_${unitName}`]: perUnit ? +(v / perUnit).toFixed(2) : null }])),
    topStatements: top.map(([k, v]) => ({ count: v, [`per_${unitName}`]: perUnit ? +(v / perUnit).toFixed(2) : null, statement: k })),
  };
}

// A client on "another machine": a worker thread that sends GraphQL requests from a given
// loopback address (as gqlFrom does) and answers with what came back and how long it took. The
// attacker's own work (building, sending and parsing its requests) then runs off the API's thread,
// as it would from a remote host; the API still handles every request on its own thread.
// Plain JavaScript: a worker thread is not compiled by Jest's transform.
import http from 'node:http';
import { parentPort } from 'node:worker_threads';

/** Batches of requests sent ahead of time (`load`), so a `run` costs the sending thread nothing. */
const loaded = new Map();

function post({ url, localAddress, query, variables, token }) {
  const body = JSON.stringify({ query, variables });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c.toString('utf8')));
        res.on('end', () => {
          try {
            const header = res.headers['retry-after'];
            const ms = performance.now() - started;
            resolve({ ms, response: { ...JSON.parse(text), status: res.statusCode ?? 0, retryAfter: typeof header === 'string' ? header : null } });
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function sequentially(requests) {
  const results = [];
  for (const r of requests) results.push(await post(r));
  return results;
}

parentPort.on('message', async (msg) => {
  try {
    if (msg.kind === 'load') {
      loaded.set(msg.name, msg);
      parentPort.postMessage({ id: msg.id, results: [] });
      return;
    }
    const { requests, parallel } = loaded.get(msg.name);
    const results = parallel ? await Promise.all(requests.map(post)) : await sequentially(requests);
    parentPort.postMessage({ id: msg.id, results });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: String(err instanceof Error ? err.stack : err) });
  }
});

// A client on "another machine": a worker thread that sends GraphQL requests from a given
// loopback address (postFrom, as gqlFrom does) and answers with what came back and how long it
// took. The attacker's own work (building, sending and parsing its requests) then runs off the
// thread of the test that measures another client, as it would on a remote host.
// Plain JavaScript: a worker thread is not compiled by Jest's transform.
import { postFrom } from '../../apps/api/test/support/post-from.mjs';
import { parentPort } from 'node:worker_threads';

/** Batches of requests sent ahead of time (`load`), so a `run` costs the sending thread nothing. */
const loaded = new Map();

async function post(request) {
  const started = performance.now();
  const response = await postFrom(request);
  return { ms: performance.now() - started, response };
}

async function sequentially(requests) {
  const results = [];
  for (const r of requests) results.push(await post(r));
  return results;
}

parentPort.on('message', async (msg) => {
  try {
    if (msg.kind === 'load') {
      // Serialized and encoded now: building a request is the client's work, not part of the
      // answer's wait (for 1.6 MB of JSON, about 10 ms of this thread at each send).
      const requests = msg.requests.map((r) => ({ ...r, body: Buffer.from(JSON.stringify({ query: r.query, variables: r.variables })) }));
      loaded.set(msg.name, { ...msg, requests });
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

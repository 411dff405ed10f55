// One GraphQL request POSTed from a given loopback address (Linux routes all of 127/8 to lo), to
// act as several clients: per-address limits count each apart. Plain JavaScript, shared by
// `gqlFrom` (from-address.ts), the e2e tests and the remote client's worker thread
// (e2e/support/remote-client.worker.mjs), which Jest does not compile.
import http from 'node:http';

/** @param {import('./post-from.d.mts').PostFromRequest} request */
export function postFrom({ url, localAddress, query, variables, token, body = JSON.stringify({ query, variables }) }) {
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
            resolve({ ...JSON.parse(text), status: res.statusCode ?? 0, retryAfter: typeof header === 'string' ? header : null });
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

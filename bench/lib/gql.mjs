import http from 'node:http';

// Minimal GraphQL client (the e2e GqlClient, in plain JS). On node:http with keep-alive rather than
// fetch: the bench's client shares the machine with the Tower processes it measures, and undici's
// fetch cost it 1–2 ms of CPU per request (a fifth of a core while 500 runs were triggered).
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

export class GqlClient {
  constructor(url, token) {
    this.url = new URL(url);
    this.token = token;
  }

  request(query, variables, retried = false) {
    const body = JSON.stringify({ query, variables });
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          hostname: this.url.hostname,
          port: this.url.port,
          path: this.url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            try {
              const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              if (parsed.errors?.length) reject(new Error(parsed.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ')));
              else resolve(parsed.data);
            } catch (err) {
              reject(new Error(`HTTP ${res.statusCode}: ${err.message}`));
            }
          });
        },
      );
      req.on('error', (err) => {
        // A kept-alive socket the server closed while it idled: the request never reached the
        // server, so it is sent again once on a new socket (Node's documented pattern).
        if (req.reusedSocket && err.code === 'ECONNRESET' && !retried) this.request(query, variables, true).then(resolve, reject);
        else reject(err);
      });
      req.end(body);
    });
  }
}

export async function signUp(url, name) {
  const email = `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.test`;
  const client = new GqlClient(url);
  const data = await client.request('mutation($e:String!,$p:String!,$t:String!){ signUp(email:$e,password:$p,tenantName:$t){ token tenant { id } } }', {
    e: email,
    p: 'correct-horse-battery',
    t: `${name} org`,
  });
  client.token = data.signUp.token;
  return { client, tenantId: data.signUp.tenant.id };
}

export async function upsertDag(client, spec) {
  return (await client.request('mutation($spec: JSON!) { upsertDag(spec: $spec) { dagId latestVersion } }', { spec })).upsertDag;
}

export async function triggerRun(client, dagId, logicalDate) {
  const data = await client.request('mutation($d:String!,$l:DateTime){ triggerDagRun(dagId:$d, params:{}, logicalDate:$l) { id state } }', {
    d: dagId,
    l: logicalDate ? logicalDate.toISOString() : null,
  });
  return data.triggerDagRun;
}

/** Sets a pool's slots (the throughput cases lift the default pool's 128, as they lift the tenant's quota). */
export async function setPool(client, name, slots) {
  return (await client.request('mutation($n:String!,$s:Int!){ setPool(name:$n, slots:$s) { name slots } }', { n: name, s: slots })).setPool;
}

// Minimal GraphQL client (the e2e GqlClient, in plain JS).
export class GqlClient {
  constructor(url, token) {
    this.url = url;
    this.token = token;
  }

  async request(query, variables) {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors?.length) throw new Error(body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; '));
    return body.data;
  }
}

export async function signUp(url, name) {
  const email = `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.test`;
  const client = new GqlClient(url);
  const data = await client.request(
    'mutation($e:String!,$p:String!,$t:String!){ signUp(email:$e,password:$p,tenantName:$t){ token tenant { id } } }',
    { e: email, p: 'correct-horse-battery', t: `${name} org` },
  );
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

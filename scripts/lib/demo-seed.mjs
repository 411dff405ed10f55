// Seeds the demo tenant through Tower's public GraphQL API, exactly as a user would.
export const DEMO = { email: 'demo@tower.local', password: 'tower-demo-2026', tenantName: 'Demo Org' };

async function gql(url, query, variables, token) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors?.length) {
    const e = new Error(body.errors.map((x) => `${x.extensions?.code ?? ''} ${x.message}`).join('; '));
    e.codes = body.errors.map((x) => x.extensions?.code);
    throw e;
  }
  return body.data;
}

export function demoDags(apiUrl) {
  const health = apiUrl.replace(/\/graphql$/, '/health');
  return [
    {
      dagId: 'hello_tower',
      description: 'A small pipeline to watch Tower work: wait, call the API, finish.',
      schedule: '*/10 * * * *',
      timezone: 'UTC',
      catchup: false,
      tags: ['demo'],
      params: { greeting: { type: 'string', default: 'hello' } },
      defaultArgs: { retries: 2, retryDelaySeconds: 5 },
      tasks: [
        { taskId: 'start', type: 'noop', with: { durationMs: 1500 } },
        { taskId: 'ping_api', type: 'http.request', dependsOn: ['start'], with: { method: 'GET', url: health, expectedStatus: 200 } },
        { taskId: 'wait_a_bit', type: 'noop', dependsOn: ['start'], with: { durationMs: 3000 } },
        { taskId: 'finish', type: 'noop', dependsOn: ['ping_api', 'wait_a_bit'], with: { durationMs: 500 } },
      ],
    },
  ];
}

/** Creates (or logs into) the demo account and upserts the demo DAGs. Idempotent. */
export async function seedDemo(apiUrl) {
  let auth;
  try {
    auth = (await gql(apiUrl, 'mutation($e:String!,$p:String!,$t:String!){ signUp(email:$e,password:$p,tenantName:$t){ token } }', { e: DEMO.email, p: DEMO.password, t: DEMO.tenantName })).signUp;
  } catch (err) {
    if (!err.codes?.includes('CONFLICT')) throw err;
    auth = (await gql(apiUrl, 'mutation($e:String!,$p:String!){ login(email:$e,password:$p){ token } }', { e: DEMO.email, p: DEMO.password })).login;
  }
  for (const spec of demoDags(apiUrl)) {
    await gql(apiUrl, 'mutation($s:JSON!){ upsertDag(spec:$s){ dagId latestVersion } }', { s: spec }, auth.token);
  }
  return auth.token;
}

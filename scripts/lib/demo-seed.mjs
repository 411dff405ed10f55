// Seeds the demo tenant through Tower's public GraphQL API, exactly as a user would.
import { salesPipelineSpec } from './sales-pipeline.mjs';

export const DEMO = { email: 'demo@tower.local', password: 'tower-demo-2026', tenantName: 'Demo Org' };
/** The demo tenant's local "cloud" accounts (s3rver's fixed account, the emulator's demo user). */
export const DEMO_CLOUD = { s3Key: 'S3RVER', s3Secret: 'S3RVER', snowflakeUser: 'tower_demo', snowflakePassword: 'tower-demo-snowflake' };

/** The demo tenant's connections to the local emulators; secrets go in through the API, encrypted at rest. */
export function demoConnections({ s3Port, snowflakePort, smtpPort, webhookPort }) {
  return [
    {
      connId: 'sales_s3',
      type: 's3',
      description: 'Local S3 (s3rver) holding the sales bucket',
      config: { region: 'us-east-1', endpoint: `http://127.0.0.1:${s3Port}`, forcePathStyle: true, accessKeyId: DEMO_CLOUD.s3Key, bucket: 'sales' },
      secrets: { secretAccessKey: DEMO_CLOUD.s3Secret },
    },
    {
      connId: 'sales_snowflake',
      type: 'snowflake',
      description: 'Local Snowflake emulator (DuckDB inside)',
      config: {
        account: 'tower-demo',
        user: DEMO_CLOUD.snowflakeUser,
        database: 'ANALYTICS',
        schema: 'RAW',
        warehouse: 'DEMO_WH',
        accessUrl: `http://127.0.0.1:${snowflakePort}`,
      },
      secrets: { password: DEMO_CLOUD.snowflakePassword },
    },
    {
      connId: 'ops_email',
      type: 'smtp',
      description: 'Local mail catcher (printed by npm start)',
      config: { host: '127.0.0.1', port: smtpPort, secure: false, from: 'tower@demo.local', to: ['data-team@demo.local'] },
    },
    {
      connId: 'ops_webhook',
      type: 'http',
      description: 'Local webhook catcher (printed by npm start)',
      config: { baseUrl: `http://127.0.0.1:${webhookPort}/hooks/tower` },
      secrets: { signingSecret: 'demo-webhook-signing-secret' },
    },
  ];
}

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

/** Creates (or logs into) the demo account, its connections and the demo DAGs. Idempotent. */
export async function seedDemo(apiUrl, cloud) {
  let auth;
  try {
    auth = (
      await gql(apiUrl, 'mutation($e:String!,$p:String!,$t:String!){ signUp(email:$e,password:$p,tenantName:$t){ token } }', {
        e: DEMO.email,
        p: DEMO.password,
        t: DEMO.tenantName,
      })
    ).signUp;
  } catch (err) {
    if (!err.codes?.includes('CONFLICT')) throw err;
    auth = (await gql(apiUrl, 'mutation($e:String!,$p:String!){ login(email:$e,password:$p){ token } }', { e: DEMO.email, p: DEMO.password })).login;
  }
  if (cloud) {
    const existing = (await gql(apiUrl, '{ connections(first: 200) { edges { node { id connId } } } }', {}, auth.token)).connections.edges.map((e) => e.node);
    for (const conn of demoConnections(cloud)) {
      const found = existing.find((c) => c.connId === conn.connId);
      if (found) {
        const { config, secrets, description } = conn;
        await gql(
          apiUrl,
          'mutation($id:ID!,$i:UpdateConnectionInput!){ updateConnection(id:$id,input:$i){ id } }',
          { id: found.id, i: { config, secrets, description } },
          auth.token,
        );
      } else {
        await gql(apiUrl, 'mutation($i:CreateConnectionInput!){ createConnection(input:$i){ id } }', { i: conn }, auth.token);
      }
    }
  }
  const specs = cloud ? [...demoDags(apiUrl), salesPipelineSpec()] : demoDags(apiUrl);
  for (const spec of specs) {
    await gql(apiUrl, 'mutation($s:JSON!){ upsertDag(spec:$s){ dagId latestVersion } }', { s: spec }, auth.token);
  }
  return auth.token;
}

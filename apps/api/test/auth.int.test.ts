import { ok, startTestApi, uniqueEmail, waitFor, type TestApi } from './support/test-api.js';

const SIGN_UP = `mutation($email: String!, $password: String!, $tenantName: String!) {
  signUp(email: $email, password: $password, tenantName: $tenantName) { token user { id email name } tenant { id slug name } }
}`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token user { id email } tenant { id slug } } }`;
const ME = `{ me { role user { id email } tenant { id slug name } } }`;
const CREATE_KEY = `mutation($name: String!, $role: Role!) {
  createApiKey(name: $name, role: $role) { secret apiKey { id name role createdAt lastUsedAt revokedAt } }
}`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
const PASSWORD = 'correct-horse-battery';

type AuthPayload = { token: string; user: { id: string; email: string }; tenant: { id: string; slug: string; name: string } };
type CreatedKey = { secret: string; apiKey: { id: string; name: string; role: string; revokedAt: string | null } };

let t: TestApi;

beforeAll(async () => {
  t = await startTestApi('auth');
});

afterAll(async () => {
  await t?.stop();
});

async function signUp(label: string): Promise<AuthPayload & { email: string }> {
  const email = uniqueEmail(label);
  const { signUp: payload } = ok(await t.gql<{ signUp: AuthPayload }>(SIGN_UP, { email, password: PASSWORD, tenantName: `${label} org` }));
  return { ...payload, email };
}

describe('auth over HTTP', () => {
  it('signs up, logs in, answers me, and lets an API key act for the tenant until it is revoked', async () => {
    const owner = await signUp('flow');
    expect(owner.token).toMatch(/^tower_sess_/);
    expect(owner.tenant).toMatchObject({ name: 'flow org', slug: expect.stringMatching(/^flow-org-[0-9a-f]{6}$/) });

    const { login } = ok(await t.gql<{ login: AuthPayload }>(LOGIN, { email: owner.email.toUpperCase(), password: PASSWORD }));
    expect(login.token).not.toBe(owner.token);
    expect(login.tenant.id).toBe(owner.tenant.id);

    const { me } = ok(await t.gql<{ me: { role: string; user: { email: string }; tenant: { id: string } } }>(ME, {}, login.token));
    expect(me).toMatchObject({ role: 'OWNER', user: { email: owner.email }, tenant: { id: owner.tenant.id } });

    const { createApiKey } = ok(await t.gql<{ createApiKey: CreatedKey }>(CREATE_KEY, { name: 'ci', role: 'OPERATOR' }, login.token));
    expect(createApiKey.secret).toMatch(/^tower_key_[\w-]{43}$/);
    expect(createApiKey.apiKey).toMatchObject({ name: 'ci', role: 'OPERATOR', revokedAt: null });

    const viaKey = ok(await t.gql<{ me: { role: string; user: null; tenant: { id: string } } }>(ME, {}, createApiKey.secret));
    expect(viaKey.me).toEqual({ role: 'OPERATOR', user: null, tenant: expect.objectContaining({ id: owner.tenant.id }) });

    // Only the hash is stored.
    const stored = await t.db.prisma.apiKey.findUniqueOrThrow({ where: { id: createApiKey.apiKey.id } });
    expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(createApiKey.secret);
    const session = await t.db.prisma.session.findFirstOrThrow({ where: { userId: owner.user.id } });
    expect(session.tokenHash).not.toContain(owner.token);

    const listed = ok(await t.gql<{ apiKeys: Array<{ id: string; name: string }> }>(`{ apiKeys { id name } }`, {}, owner.token));
    expect(listed.apiKeys).toEqual([{ id: createApiKey.apiKey.id, name: 'ci' }]);
    // lastUsedAt is written in the background after the key authenticated a request.
    await waitFor(async () => (await t.db.prisma.apiKey.findUniqueOrThrow({ where: { id: createApiKey.apiKey.id } })).lastUsedAt);

    const { revokeApiKey } = ok(await t.gql<{ revokeApiKey: { id: string; revokedAt: string } }>(REVOKE_KEY, { id: createApiKey.apiKey.id }, owner.token));
    expect(revokeApiKey.revokedAt).toEqual(expect.any(String));
    const rejected = await t.gql(ME, {}, createApiKey.secret);
    expect(rejected.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(rejected.data).toBeNull();
    // Revoking again is harmless; another tenant's key is not found.
    expect(ok(await t.gql<{ revokeApiKey: { revokedAt: string } }>(REVOKE_KEY, { id: createApiKey.apiKey.id }, owner.token)).revokeApiKey.revokedAt).toBe(
      revokeApiKey.revokedAt,
    );
    const stranger = await signUp('stranger');
    const foreign = await t.gql(REVOKE_KEY, { id: createApiKey.apiKey.id }, stranger.token);
    expect(foreign.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', path: 'id' });
  });

  it('enforces roles: VIEWER cannot create keys, ADMIN cannot mint OWNER, nobody without a token', async () => {
    const owner = await signUp('roles');
    const viewer = ok(await t.gql<{ createApiKey: CreatedKey }>(CREATE_KEY, { name: 'ro', role: 'VIEWER' }, owner.token)).createApiKey;
    const admin = ok(await t.gql<{ createApiKey: CreatedKey }>(CREATE_KEY, { name: 'adm', role: 'ADMIN' }, owner.token)).createApiKey;

    const byViewer = await t.gql(CREATE_KEY, { name: 'x', role: 'VIEWER' }, viewer.secret);
    expect(byViewer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(`{ auditLog { totalCount } }`, {}, viewer.secret)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(ok(await t.gql<{ me: { role: string } }>(ME, {}, viewer.secret)).me.role).toBe('VIEWER');

    const aboveCaller = await t.gql(CREATE_KEY, { name: 'x', role: 'OWNER' }, admin.secret);
    expect(aboveCaller.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', path: 'role' });
    expect(ok(await t.gql<{ createApiKey: CreatedKey }>(CREATE_KEY, { name: 'ed', role: 'EDITOR' }, admin.secret)).createApiKey.apiKey.role).toBe('EDITOR');

    for (const token of [undefined, 'tower_sess_nope', 'tower_key_nope', 'garbage']) {
      expect((await t.gql(ME, {}, token)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('rejects bad sign-up input with BAD_USER_INPUT naming the argument, and a taken email with CONFLICT', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ email: 'not-an-email', password: PASSWORD, tenantName: 'x' }, 'email'],
      [{ email: uniqueEmail('short'), password: 'short', tenantName: 'x' }, 'password'],
      [{ email: uniqueEmail('noorg'), password: PASSWORD, tenantName: '  ' }, 'tenantName'],
    ];
    for (const [vars, path] of cases) {
      const res = await t.gql(SIGN_UP, vars);
      expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path });
    }
    const existing = await signUp('dup');
    const dup = await t.gql(SIGN_UP, { email: existing.email, password: PASSWORD, tenantName: 'again' });
    expect(dup.errors?.[0].extensions).toEqual({ code: 'CONFLICT', path: 'email' });
    // A missing argument is GraphQL's own validation error.
    expect((await t.gql(`mutation { signUp(email: "a@b.co", password: "12345678") { token } }`)).errors?.[0].extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const user = await signUp('login');
    const wrong = await t.gql(LOGIN, { email: user.email, password: 'wrong-password' });
    const unknown = await t.gql(LOGIN, { email: uniqueEmail('nobody'), password: PASSWORD });
    expect(wrong.errors?.[0]).toMatchObject({ message: 'wrong email or password', extensions: { code: 'UNAUTHENTICATED' } });
    expect(unknown.errors?.[0].message).toBe(wrong.errors?.[0].message);
    expect(unknown.errors?.[0].extensions).toEqual(wrong.errors?.[0].extensions);
  });

  it('audits every mutation (who, what, from where) without passwords or secrets, as a paged connection', async () => {
    const owner = await signUp('audit');
    const key = ok(await t.gql<{ createApiKey: CreatedKey }>(CREATE_KEY, { name: 'audited', role: 'VIEWER' }, owner.token)).createApiKey;
    ok(await t.gql(LOGIN, { email: owner.email, password: PASSWORD }));
    ok(await t.gql(REVOKE_KEY, { id: key.apiKey.id }, owner.token));
    await t.gql(CREATE_KEY, { name: 'refused', role: 'OWNER' }, key.secret); // revoked: UNAUTHENTICATED, no tenant known

    const rows = await t.db.prisma.auditLog.findMany({ where: { tenantId: owner.tenant.id }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.action)).toEqual(['signUp', 'createApiKey', 'login', 'revokeApiKey']);
    const [signUpRow, createRow] = rows;
    expect(signUpRow).toMatchObject({
      actorType: 'user',
      actorId: owner.user.id,
      targetType: 'User',
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: 'tower-api-test',
    });
    expect(signUpRow.details).toMatchObject({ args: { email: owner.email, tenantName: 'audit org', password: '[redacted]' }, outcome: 'ok' });
    expect(createRow).toMatchObject({ actorType: 'user', actorId: owner.user.id, targetType: 'ApiKey', targetId: key.apiKey.id });
    const dump = JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    for (const secret of [PASSWORD, key.secret, owner.token, 'tower_key_', 'tower_sess_']) expect(dump).not.toContain(secret);

    type Page = {
      auditLog: { totalCount: number; edges: Array<{ cursor: string; node: { action: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    };
    const query = `query($first: Int, $after: String) { auditLog(first: $first, after: $after) { totalCount edges { cursor node { action actorType targetType details ip userAgent createdAt } } pageInfo { hasNextPage endCursor } } }`;
    const first = ok(await t.gql<Page>(query, { first: 3 }, owner.token)).auditLog;
    expect(first.totalCount).toBe(4);
    expect(first.edges.map((e) => e.node.action)).toEqual(['revokeApiKey', 'login', 'createApiKey']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = ok(await t.gql<Page>(query, { first: 3, after: first.pageInfo.endCursor }, owner.token)).auditLog;
    expect(second.edges.map((e) => e.node.action)).toEqual(['signUp']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect((await t.gql(query, { after: 'bogus' }, owner.token)).errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'after' });
  });

  it('audits a mutation refused by role under the caller tenant', async () => {
    const owner = await signUp('refused');
    const viewer = ok(await t.gql<{ createApiKey: CreatedKey }>(CREATE_KEY, { name: 'ro', role: 'VIEWER' }, owner.token)).createApiKey;
    await t.gql(CREATE_KEY, { name: 'escalate', role: 'OWNER' }, viewer.secret);
    const row = await t.db.prisma.auditLog.findFirstOrThrow({ where: { tenantId: owner.tenant.id, actorId: viewer.apiKey.id } });
    expect(row).toMatchObject({ action: 'createApiKey', actorType: 'api_key', details: expect.objectContaining({ outcome: 'FORBIDDEN' }) });
  });
});

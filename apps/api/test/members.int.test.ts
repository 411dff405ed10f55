import { startMailReceiver, type MailReceiver } from '../../../packages/alerts/src/test-support/receivers.js';
import { PrincipalRevocations } from '../src/auth/principal-revocations.js';
import { ok, startTestApi, uniqueEmail, waitFor, type GqlResponse, type TestApi } from './support/test-api.js';
import { subscribe, wsClient } from './support/ws-client.js';

const PASSWORD = 'correct-horse-battery';
const SIGN_UP = `mutation($email: String!, $tenantName: String!) {
  signUp(email: $email, password: "${PASSWORD}", tenantName: $tenantName) { token user { id } tenant { id name } }
}`;
const LOGIN = `mutation($email: String!, $password: String!, $tenantId: ID) {
  login(email: $email, password: $password, tenantId: $tenantId) { token user { id } tenant { id } }
}`;
const ME = `{ me { role user { id email } tenant { id name } memberships { role tenant { id } } } }`;
const INVITE = `mutation($email: String!, $role: Role!) {
  inviteMember(email: $email, role: $role) { link emailSent emailError invitation { id email role status expiresAt } }
}`;
const ACCEPT = `mutation($token: String!, $password: String, $name: String) {
  acceptInvitation(token: $token, password: $password, name: $name) { token user { id email name } tenant { id name } }
}`;
const MEMBERS = `{ members { id role user { id email } } }`;
const INVITATIONS = `{ invitations { id email role status } }`;
const UPDATE_ROLE = `mutation($id: ID!, $role: Role!) { updateMemberRole(id: $id, role: $role) { id role user { email } } }`;
const REMOVE = `mutation($id: ID!) { removeMember(id: $id) { id role user { email } } }`;
const REVOKE_INVITATION = `mutation($id: ID!) { revokeInvitation(id: $id) { id status } }`;
const SESSIONS = `{ sessions { id current userAgent ip createdAt expiresAt } }`;
const REVOKE_SESSION = `mutation($id: ID!) { revokeSession(id: $id) { id current } }`;
const SWITCH = `mutation($tenantId: ID!) { switchTenant(tenantId: $tenantId) { token tenant { id } } }`;
const RUN_UPDATED = `subscription { dagRunUpdated { id state } }`;

type Auth = { token: string; user: { id: string }; tenant: { id: string; name: string } };
type Invited = { link: string; emailSent: boolean; emailError: string | null; invitation: { id: string; email: string; role: string; status: string } };
type Member = { id: string; role: string; user: { id: string; email: string } };

let t: TestApi;
let mail: MailReceiver;

beforeAll(async () => {
  mail = await startMailReceiver();
  t = await startTestApi('members', { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mail.port), SMTP_FROM: 'Tower <invites@tower.test>' });
});

afterAll(async () => {
  await t?.stop();
  await mail?.close();
});

const codeOf = (res: GqlResponse<unknown>) => res.errors?.[0]?.extensions?.code;
const reasonOf = (res: GqlResponse<unknown>) => (res.errors?.[0]?.extensions?.details as { reason?: string } | undefined)?.reason;
const tokenOf = (link: string) => decodeURIComponent(new URL(link).hash.replace(/^#token=/, ''));

async function signUp(label: string): Promise<Auth & { email: string }> {
  const email = uniqueEmail(label);
  return { ...ok(await t.gql<{ signUp: Auth }>(SIGN_UP, { email, tenantName: `${label} org` })).signUp, email };
}

async function invite(token: string, email: string, role: string): Promise<Invited> {
  return ok(await t.gql<{ inviteMember: Invited }>(INVITE, { email, role }, token)).inviteMember;
}

/** A new member of `owner`'s tenant with `role`, signed in there. */
async function addMember(owner: Auth, label: string, role: string): Promise<Auth & { email: string; memberId: string }> {
  const email = uniqueEmail(label);
  const { link } = await invite(owner.token, email, role);
  const accepted = ok(await t.gql<{ acceptInvitation: Auth }>(ACCEPT, { token: tokenOf(link), password: PASSWORD })).acceptInvitation;
  const members = ok(await t.gql<{ members: Member[] }>(MEMBERS, {}, owner.token)).members;
  return { ...accepted, email, memberId: members.find((m) => m.user.email === email)!.id };
}

async function auditActions(tenantId: string) {
  return t.db.prisma.auditLog.findMany({ where: { tenantId }, orderBy: { id: 'asc' } });
}

describe('members and invitations', () => {
  it('invites by email through the SMTP server; the link makes a new account a member with the granted role, once', async () => {
    const owner = await signUp('inviter');
    const email = uniqueEmail('newcomer');
    const invited = await invite(owner.token, email.toUpperCase(), 'EDITOR');
    expect(invited).toMatchObject({ emailSent: true, emailError: null, invitation: { email, role: 'EDITOR', status: 'PENDING' } });
    expect(invited.link).toMatch(/^http:\/\/localhost:3000\/accept-invitation#token=tower_inv_[\w-]{43}$/);
    const token = tokenOf(invited.link);

    // The email arrives with the link; only the token's hash is stored.
    const message = await waitFor(async () => mail.messages.find((m) => m.to.includes(email)));
    expect(message.subject).toBe('Join inviter org on Tower');
    expect(message.text).toContain(invited.link);
    expect(message.text).toContain('as EDITOR');
    const stored = await t.db.prisma.invitation.findUniqueOrThrow({ where: { id: invited.invitation.id } });
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token.slice(10));

    // A new account needs a valid password; a refusal uses nothing.
    expect(codeOf(await t.gql(ACCEPT, { token, password: 'short' }))).toBe('BAD_USER_INPUT');
    const accepted = ok(
      await t.gql<{ acceptInvitation: Auth & { user: { email: string; name: string } } }>(ACCEPT, { token, password: PASSWORD, name: 'Nia' }),
    ).acceptInvitation;
    expect(accepted).toMatchObject({ user: { email, name: 'Nia' }, tenant: { id: owner.tenant.id, name: 'inviter org' } });
    const me = ok(await t.gql<{ me: { role: string; tenant: { id: string } } }>(ME, {}, accepted.token)).me;
    expect(me).toMatchObject({ role: 'EDITOR', tenant: { id: owner.tenant.id } });

    // The member logs in later and sees the tenant with the granted role.
    const login = ok(await t.gql<{ login: Auth }>(LOGIN, { email, password: PASSWORD })).login;
    expect(login.tenant.id).toBe(owner.tenant.id);
    expect(ok(await t.gql<{ me: { role: string } }>(ME, {}, login.token)).me.role).toBe('EDITOR');

    // Single use.
    const again = await t.gql(ACCEPT, { token, password: PASSWORD });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(reasonOf(again)).toBe('ACCEPTED');
    expect(codeOf(await t.gql(ACCEPT, { token: 'tower_inv_nope', password: PASSWORD }))).toBe('NOT_FOUND');
    const statuses = ok(await t.gql<{ invitations: Array<{ id: string; status: string }> }>(INVITATIONS, {}, owner.token)).invitations;
    expect(statuses).toEqual([expect.objectContaining({ id: invited.invitation.id, status: 'ACCEPTED' })]);
    const members = ok(await t.gql<{ members: Member[] }>(MEMBERS, {}, login.token)).members;
    expect(members.map((m) => [m.user.email, m.role])).toEqual([
      [owner.email, 'OWNER'],
      [email, 'EDITOR'],
    ]);

    // Audited, tokens and passwords redacted.
    const rows = (await auditActions(owner.tenant.id)).filter((r) => ['inviteMember', 'acceptInvitation'].includes(r.action));
    expect(rows.map((r) => [r.action, (r.details as { outcome: string }).outcome])).toEqual([
      ['inviteMember', 'ok'],
      ['acceptInvitation', 'ok'],
    ]);
    expect(rows[0]).toMatchObject({ targetType: 'Invitation', targetId: invited.invitation.id, actorId: owner.user.id });
    expect(rows[1]).toMatchObject({ targetType: 'User', targetId: accepted.user.id, actorId: accepted.user.id });
    expect((rows[1].details as { args: Record<string, unknown> }).args).toMatchObject({ token: '[redacted]', password: '[redacted]' });
    expect(JSON.stringify((await auditActions(owner.tenant.id)).map((r) => r.details))).not.toMatch(/tower_inv_|tower_sess_/);
  });

  it('refuses an expired link (INVITATION_TTL_SECONDS) and a revoked one', async () => {
    const short = await startTestApi('members-ttl', { INVITATION_TTL_SECONDS: '1' });
    try {
      const { signUp: owner } = ok(await short.gql<{ signUp: Auth }>(SIGN_UP, { email: uniqueEmail('ttl'), tenantName: 'ttl' }));
      const invited = ok(await short.gql<{ inviteMember: Invited }>(INVITE, { email: uniqueEmail('late'), role: 'VIEWER' }, owner.token)).inviteMember;
      expect(invited).toMatchObject({ emailSent: false, emailError: expect.stringContaining('SMTP_HOST') });
      await new Promise((r) => setTimeout(r, 1_200));
      const late = await short.gql(ACCEPT, { token: tokenOf(invited.link), password: PASSWORD });
      expect(codeOf(late)).toBe('CONFLICT');
      expect(reasonOf(late)).toBe('EXPIRED');
      expect(ok(await short.gql<{ invitations: Array<{ status: string }> }>(INVITATIONS, {}, owner.token)).invitations[0].status).toBe('EXPIRED');
      expect(await short.db.prisma.user.count()).toBe(1);
    } finally {
      await short.stop();
    }

    const owner = await signUp('revoker');
    const invited = await invite(owner.token, uniqueEmail('unwanted'), 'VIEWER');
    expect(
      ok(await t.gql<{ revokeInvitation: { status: string } }>(REVOKE_INVITATION, { id: invited.invitation.id }, owner.token)).revokeInvitation.status,
    ).toBe('REVOKED');
    const revoked = await t.gql(ACCEPT, { token: tokenOf(invited.link), password: PASSWORD });
    expect(reasonOf(revoked)).toBe('REVOKED');
    // A second invitation of one email replaces the first.
    const email = uniqueEmail('twice');
    const first = await invite(owner.token, email, 'VIEWER');
    const second = await invite(owner.token, email, 'OPERATOR');
    expect(reasonOf(await t.gql(ACCEPT, { token: tokenOf(first.link), password: PASSWORD }))).toBe('REVOKED');
    ok(await t.gql(ACCEPT, { token: tokenOf(second.link), password: PASSWORD }));
    expect(codeOf(await t.gql(INVITE, { email, role: 'VIEWER' }, owner.token))).toBe('CONFLICT');
  });

  it('lets an existing user join a second tenant and choose it at login or with switchTenant', async () => {
    const host = await signUp('host');
    const guest = await signUp('guest');
    const byPassword = await signUp('by-password');

    // Signed in: the invitation joins the caller's account.
    const { link } = await invite(host.token, guest.email, 'OPERATOR');
    const joined = ok(await t.gql<{ acceptInvitation: Auth }>(ACCEPT, { token: tokenOf(link) }, guest.token)).acceptInvitation;
    expect(joined).toMatchObject({ user: { id: guest.user.id }, tenant: { id: host.tenant.id } });
    const me = ok(await t.gql<{ me: { memberships: Array<{ role: string; tenant: { id: string } }> } }>(ME, {}, guest.token)).me;
    expect(me.memberships).toEqual([
      { role: 'OWNER', tenant: { id: guest.tenant.id } },
      { role: 'OPERATOR', tenant: { id: host.tenant.id } },
    ]);
    // Another signed-in account cannot use someone else's invitation.
    const other = await invite(host.token, uniqueEmail('someone'), 'VIEWER');
    expect(codeOf(await t.gql(ACCEPT, { token: tokenOf(other.link) }, guest.token))).toBe('FORBIDDEN');

    // Not signed in: the existing account proves itself with its password.
    const forExisting = await invite(host.token, byPassword.email, 'VIEWER');
    expect(reasonOf(await t.gql(ACCEPT, { token: tokenOf(forExisting.link), password: 'wrong-password' }))).toBe('SIGN_IN_REQUIRED');
    expect(ok(await t.gql<{ acceptInvitation: Auth }>(ACCEPT, { token: tokenOf(forExisting.link), password: PASSWORD })).acceptInvitation.tenant.id).toBe(
      host.tenant.id,
    );

    // login: the oldest membership by default, or the one asked for.
    expect(ok(await t.gql<{ login: Auth }>(LOGIN, { email: guest.email, password: PASSWORD })).login.tenant.id).toBe(guest.tenant.id);
    const chosen = ok(await t.gql<{ login: Auth }>(LOGIN, { email: guest.email, password: PASSWORD, tenantId: host.tenant.id })).login;
    expect(ok(await t.gql<{ me: { role: string; tenant: { id: string } } }>(ME, {}, chosen.token)).me).toMatchObject({
      role: 'OPERATOR',
      tenant: { id: host.tenant.id },
    });
    const stranger = await signUp('stranger');
    const refused = await t.gql(LOGIN, { email: guest.email, password: PASSWORD, tenantId: stranger.tenant.id });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', path: 'tenantId' });

    // switchTenant: a session in the other tenant; the calling one ends.
    const switched = ok(await t.gql<{ switchTenant: Auth }>(SWITCH, { tenantId: guest.tenant.id }, chosen.token)).switchTenant;
    expect(ok(await t.gql<{ me: { role: string } }>(ME, {}, switched.token)).me.role).toBe('OWNER');
    expect(codeOf(await t.gql(ME, {}, chosen.token))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(SWITCH, { tenantId: stranger.tenant.id }, switched.token))).toBe('NOT_FOUND');
  });

  it("ends a removed member's sessions and open subscriptions at once", async () => {
    const owner = await signUp('remover');
    const member = await addMember(owner, 'leaver', 'VIEWER');
    const client = wsClient(t.api.wsUrl, member.token);
    const sub = subscribe(client, RUN_UPDATED);
    const revocations = t.api.app.get(PrincipalRevocations);
    await waitFor(async () => revocations.openSockets({ kind: 'member', tenantId: owner.tenant.id, userId: member.user.id }) === 1);
    ok(await t.gql(ME, {}, member.token));

    const removed = ok(await t.gql<{ removeMember: Member }>(REMOVE, { id: member.memberId }, owner.token)).removeMember;
    expect(removed).toMatchObject({ id: member.memberId, role: 'VIEWER', user: { email: member.email } });
    await sub.ended;
    expect(sub.error).toMatchObject({ code: 4403 });
    expect(codeOf(await t.gql(ME, {}, member.token))).toBe('UNAUTHENTICATED');
    expect(await t.db.prisma.session.count({ where: { userId: member.user.id, tenantId: owner.tenant.id } })).toBe(0);
    expect(ok(await t.gql<{ members: Member[] }>(MEMBERS, {}, owner.token)).members.map((m) => m.user.email)).toEqual([owner.email]);
    await client.dispose();
  });

  it('keeps the last OWNER, and an ADMIN away from OWNERs (GitHub-style)', async () => {
    const owner = await signUp('owners');
    const ownMembership = ok(await t.gql<{ members: Member[] }>(MEMBERS, {}, owner.token)).members[0];
    for (const res of [
      await t.gql(UPDATE_ROLE, { id: ownMembership.id, role: 'ADMIN' }, owner.token),
      await t.gql(REMOVE, { id: ownMembership.id }, owner.token),
    ]) {
      expect(codeOf(res)).toBe('CONFLICT');
      expect(reasonOf(res)).toBe('LAST_OWNER');
    }

    const admin = await addMember(owner, 'admin', 'ADMIN');
    const editor = await addMember(owner, 'editor', 'EDITOR');
    expect(codeOf(await t.gql(INVITE, { email: uniqueEmail('boss'), role: 'OWNER' }, admin.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(UPDATE_ROLE, { id: editor.memberId, role: 'OWNER' }, admin.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(UPDATE_ROLE, { id: ownMembership.id, role: 'VIEWER' }, admin.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(REMOVE, { id: ownMembership.id }, admin.token))).toBe('FORBIDDEN');
    // An ADMIN manages ADMINs and below; an EDITOR manages nobody.
    expect(ok(await t.gql<{ updateMemberRole: Member }>(UPDATE_ROLE, { id: editor.memberId, role: 'ADMIN' }, admin.token)).updateMemberRole.role).toBe('ADMIN');
    expect(ok(await t.gql<{ updateMemberRole: Member }>(UPDATE_ROLE, { id: editor.memberId, role: 'OPERATOR' }, admin.token)).updateMemberRole.role).toBe(
      'OPERATOR',
    );
    expect(codeOf(await t.gql(REMOVE, { id: admin.memberId }, editor.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(INVITATIONS, {}, editor.token))).toBe('FORBIDDEN');

    // With a second OWNER, the first may step down; two owners demoting each other at once leave one.
    ok(await t.gql(UPDATE_ROLE, { id: admin.memberId, role: 'OWNER' }, owner.token));
    const [a, b] = await Promise.all([
      t.gql(UPDATE_ROLE, { id: ownMembership.id, role: 'ADMIN' }, owner.token),
      t.gql(UPDATE_ROLE, { id: admin.memberId, role: 'ADMIN' }, admin.token),
    ]);
    expect([a, b].filter((r) => !r.errors).length).toBe(1);
    expect([a, b].map(reasonOf).filter(Boolean)).toEqual(['LAST_OWNER']);
    expect(await t.db.prisma.membership.count({ where: { tenantId: owner.tenant.id, role: 'OWNER' } })).toBe(1);
    const outcomes = (await auditActions(owner.tenant.id))
      .filter((r) => r.action === 'updateMemberRole')
      .map((r) => (r.details as { outcome: string }).outcome);
    expect(outcomes).toEqual(expect.arrayContaining(['ok', 'CONFLICT', 'FORBIDDEN']));
  });

  it("lists the caller's sessions, revokes one (closing its subscriptions) and logs out", async () => {
    const owner = await signUp('sessions');
    const second = ok(await t.gql<{ login: Auth }>(LOGIN, { email: owner.email, password: PASSWORD })).login;
    const sessions = ok(await t.gql<{ sessions: Array<{ id: string; current: boolean; userAgent: string }> }>(SESSIONS, {}, owner.token)).sessions;
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ current: false, userAgent: 'tower-api-test' });
    const other = sessions.find((s) => !s.current)!;

    const client = wsClient(t.api.wsUrl, second.token);
    const sub = subscribe(client, RUN_UPDATED);
    const revocations = t.api.app.get(PrincipalRevocations);
    await waitFor(async () => revocations.openSockets({ kind: 'session', tenantId: owner.tenant.id, sessionId: other.id }) === 1);
    expect(ok(await t.gql<{ revokeSession: { id: string; current: boolean } }>(REVOKE_SESSION, { id: other.id }, owner.token)).revokeSession).toEqual({
      id: other.id,
      current: false,
    });
    await sub.ended;
    expect(sub.error).toMatchObject({ code: 4403 });
    expect(codeOf(await t.gql(ME, {}, second.token))).toBe('UNAUTHENTICATED');
    await client.dispose();

    // Someone else's session is not found; an API key has no session to end.
    const stranger = await signUp('session-stranger');
    const mine = ok(await t.gql<{ sessions: Array<{ id: string }> }>(SESSIONS, {}, owner.token)).sessions[0];
    expect(codeOf(await t.gql(REVOKE_SESSION, { id: mine.id }, stranger.token))).toBe('NOT_FOUND');
    const key = ok(
      await t.gql<{ createApiKey: { secret: string } }>(`mutation { createApiKey(name: "k", role: VIEWER) { secret } }`, {}, owner.token),
    ).createApiKey;
    expect(codeOf(await t.gql(`mutation { logout }`, {}, key.secret))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(SESSIONS, {}, key.secret))).toBe('FORBIDDEN');

    expect(ok(await t.gql<{ logout: boolean }>(`mutation { logout }`, {}, owner.token)).logout).toBe(true);
    expect(codeOf(await t.gql(ME, {}, owner.token))).toBe('UNAUTHENTICATED');
    const actions = (await auditActions(owner.tenant.id)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['revokeSession', 'logout']));
  });

  it("never shows or touches another tenant's members, invitations or sessions", async () => {
    const a = await signUp('iso-a');
    const b = await signUp('iso-b');
    const member = await addMember(a, 'iso-member', 'VIEWER');
    const pending = await invite(a.token, uniqueEmail('iso-pending'), 'VIEWER');
    const aSession = ok(await t.gql<{ sessions: Array<{ id: string }> }>(SESSIONS, {}, a.token)).sessions[0];

    expect(ok(await t.gql<{ members: Member[] }>(MEMBERS, {}, b.token)).members.map((m) => m.user.email)).toEqual([b.email]);
    expect(ok(await t.gql<{ invitations: unknown[] }>(INVITATIONS, {}, b.token)).invitations).toEqual([]);
    for (const res of [
      await t.gql(UPDATE_ROLE, { id: member.memberId, role: 'ADMIN' }, b.token),
      await t.gql(REMOVE, { id: member.memberId }, b.token),
      await t.gql(REVOKE_INVITATION, { id: pending.invitation.id }, b.token),
      await t.gql(REVOKE_SESSION, { id: aSession.id }, b.token),
      await t.gql(SWITCH, { tenantId: a.tenant.id }, b.token),
    ]) {
      expect(codeOf(res)).toBe('NOT_FOUND');
    }
    expect(ok(await t.gql<{ members: Member[] }>(MEMBERS, {}, a.token)).members.map((m) => m.role)).toEqual(['OWNER', 'VIEWER']);
    expect((await t.db.prisma.invitation.findUniqueOrThrow({ where: { id: pending.invitation.id } })).revokedAt).toBeNull();
    ok(await t.gql(ME, {}, a.token));
    // B's own lists and invitations stay B's: its sessions, and an invitation of A's member to B.
    const bSessions = ok(await t.gql<{ sessions: Array<{ id: string }> }>(SESSIONS, {}, b.token)).sessions.map((x) => x.id);
    expect(bSessions).not.toContain(aSession.id);
    const toB = await invite(b.token, member.email, 'EDITOR');
    expect(ok(await t.gql<{ invitations: Array<{ id: string }> }>(INVITATIONS, {}, a.token)).invitations.map((i) => i.id)).not.toContain(toB.invitation.id);
    ok(await t.gql(ACCEPT, { token: tokenOf(toB.link) }, member.token));
    const roles = ok(await t.gql<{ me: { role: string; memberships: Array<{ role: string; tenant: { id: string } }> } }>(ME, {}, member.token)).me;
    expect(roles.role).toBe('VIEWER');
    expect(roles.memberships.map((m) => [m.tenant.id, m.role])).toEqual([
      [a.tenant.id, 'VIEWER'],
      [b.tenant.id, 'EDITOR'],
    ]);
  });

  it('audits every new mutation once, under the tenant it acted in', async () => {
    const owner = await signUp('audited');
    const member = await addMember(owner, 'audited-member', 'VIEWER');
    ok(await t.gql(UPDATE_ROLE, { id: member.memberId, role: 'OPERATOR' }, owner.token));
    ok(await t.gql(REMOVE, { id: member.memberId }, owner.token));
    const pending = await invite(owner.token, uniqueEmail('audited-pending'), 'VIEWER');
    ok(await t.gql(REVOKE_INVITATION, { id: pending.invitation.id }, owner.token));
    const second = ok(await t.gql<{ login: Auth }>(LOGIN, { email: owner.email, password: PASSWORD })).login;
    const other = ok(await t.gql<{ sessions: Array<{ id: string; current: boolean }> }>(SESSIONS, {}, owner.token)).sessions.find((x) => !x.current)!;
    ok(await t.gql(REVOKE_SESSION, { id: other.id }, owner.token));
    expect(codeOf(await t.gql(ME, {}, second.token))).toBe('UNAUTHENTICATED');
    const elsewhere = await signUp('audited-elsewhere');
    ok(await t.gql(ACCEPT, { token: tokenOf((await invite(elsewhere.token, owner.email, 'VIEWER')).link) }, owner.token));
    const switched = ok(await t.gql<{ switchTenant: Auth }>(SWITCH, { tenantId: elsewhere.tenant.id }, owner.token)).switchTenant;
    ok(await t.gql(`mutation { logout }`, {}, switched.token));

    const rows = await auditActions(owner.tenant.id);
    const okRows = rows.filter((r) => (r.details as { outcome: string }).outcome === 'ok').map((r) => [r.action, r.targetType]);
    expect(okRows).toEqual([
      ['signUp', 'User'],
      ['inviteMember', 'Invitation'],
      ['acceptInvitation', 'User'],
      // A membership change is filed against the user whose membership it is.
      ['updateMemberRole', 'User'],
      ['removeMember', 'User'],
      ['inviteMember', 'Invitation'],
      ['revokeInvitation', 'Invitation'],
      ['login', 'User'],
      ['revokeSession', 'Session'],
      ['switchTenant', 'User'],
    ]);
    // acceptInvitation and logout acted in the other tenant: filed there.
    const there = (await auditActions(elsewhere.tenant.id)).map((r) => [r.action, r.actorId]);
    expect(there).toEqual(
      expect.arrayContaining([
        ['acceptInvitation', owner.user.id],
        ['logout', owner.user.id],
      ]),
    );
  });
});

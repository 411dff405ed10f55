import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import type { Role } from '@tower/db';
import { FEATURE_MODULES } from '../src/app.module.js';
import { admits, operationAccessOf, ROLES_ASCENDING, type OperationAccess, type OperationKind } from '../src/auth/role-matrix.js';
import { resolversOf } from '../src/generate-schema.js';
import { ok, startTestApi, uniqueEmail, type TestApi } from './support/test-api.js';
import { wsClient } from './support/ws-client.js';

/**
 * The role matrix proven against the running API: every query, mutation and subscription of the
 * schema (read by introspection, so a new operation is walked without editing this test), called
 * by a caller of every role with arguments generated from its types, is FORBIDDEN below the role
 * its resolver declares and not FORBIDDEN at or above it; without a token it is UNAUTHENTICATED
 * unless declared public.
 */
let t: TestApi;
let schema: GraphQLSchema;
const tokens = {} as Record<Role, string>;
let declared: Map<string, OperationAccess>;

beforeAll(async () => {
  t = await startTestApi('role-matrix');
  const owner = ok(
    await t.gql<{ signUp: { token: string } }>(
      `mutation($e: String!) { signUp(email: $e, password: "correct-horse-battery", tenantName: "matrix") { token } }`,
      {
        e: uniqueEmail('matrix'),
      },
    ),
  ).signUp.token;
  // One API key per role (an OWNER may create keys of every role).
  for (const role of ROLES_ASCENDING) {
    tokens[role] = ok(
      await t.gql<{ createApiKey: { secret: string } }>(
        `mutation($n: String!, $r: Role!) { createApiKey(name: $n, role: $r) { secret } }`,
        { n: role.toLowerCase(), r: role },
        owner,
      ),
    ).createApiKey.secret;
  }
  schema = buildClientSchema(ok(await t.gql<IntrospectionQuery>(getIntrospectionQuery(), undefined, owner)));
  declared = new Map(operationAccessOf(resolversOf(FEATURE_MODULES)).map((d) => [`${d.kind}.${d.field}`, d]));
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

/** A value of the input type that passes GraphQL's own validation (the resolver may still refuse it). */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) if (isNonNullType(f.type) && f.defaultValue === undefined) out[f.name] = sample(f.type);
    return out;
  }
  if (isScalarType(type)) {
    const scalars: Record<string, unknown> = {
      String: 'role-matrix',
      ID: randomUUID(),
      Int: 1,
      Float: 1,
      Boolean: false,
      DateTime: '2026-01-01T00:00:00.000Z',
      JSON: {},
    };
    if (!(type.name in scalars)) throw new Error(`no sample for scalar ${type.name}: add one`);
    return scalars[type.name];
  }
  throw new Error(`no sample for ${String(type)}`);
}

/** `mutation($a: T!) { field(a: $a) { __typename } }` with its variables. */
function operationOf(kind: OperationKind, field: GraphQLField<unknown, unknown>) {
  const args = field.args.filter((a: GraphQLArgument) => isNonNullType(a.type) && a.defaultValue === undefined);
  const vars = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  return {
    query: `${kind.toLowerCase()}${vars ? `(${vars})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`,
    variables: Object.fromEntries(args.map((a) => [a.name, sample(a.type)])),
  };
}

function rootFields(kind: OperationKind) {
  const type = kind === 'Query' ? schema.getQueryType() : kind === 'Mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return Object.values(type?.getFields() ?? {});
}

/** The first error code a subscription answers with, or null when it stays open (not refused). */
async function subscribeCode(token: string, query: string, variables: Record<string, unknown>): Promise<string | null> {
  const client = wsClient(t.api.wsUrl, token);
  try {
    return await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 1_500);
      const done = (code: string | null) => {
        clearTimeout(timer);
        resolve(code);
      };
      client.subscribe(
        { query, variables },
        {
          next: (r) => done(r.errors?.length ? String(r.errors[0]!.extensions?.code) : null),
          error: (e) => done(Array.isArray(e) ? String((e as { extensions?: { code?: string } }[])[0]?.extensions?.code) : `SOCKET:${String(e)}`),
          complete: () => done(null),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

/** AuthGuard's refusal of a caller without a valid token (a public login's wrong password is not it). */
const GUARD_UNAUTHENTICATED = 'missing, invalid, expired or revoked bearer token';

async function codeOf(kind: OperationKind, field: GraphQLField<unknown, unknown>, token: string | null): Promise<string | null> {
  const { query, variables } = operationOf(kind, field);
  if (kind === 'Subscription') return token ? subscribeCode(token, query, variables) : 'UNAUTHENTICATED';
  const res = await t.gql(query, variables, token ?? undefined);
  const error = res.errors?.[0];
  if (!error) return null;
  const code = String(error.extensions?.code);
  // Only the guard's refusal counts as UNAUTHENTICATED here; another (a login's) is the operation's answer.
  if (code === 'UNAUTHENTICATED' && error.message !== GUARD_UNAUTHENTICATED) return 'UNAUTHENTICATED(answer)';
  // The callers are API keys: an operation on the caller's own session (logout, sessions,
  // switchTenant, revokeSession) answers that it needs one, whatever the role — not a role refusal.
  if (code === 'FORBIDDEN' && /needs a user session/.test(error.message)) return 'FORBIDDEN(user session only)';
  return code;
}

describe('the role matrix', () => {
  it('declares every operation of the served schema', () => {
    const all = (['Query', 'Mutation', 'Subscription'] as const).flatMap((k) => rootFields(k).map((f) => `${k}.${f.name}`));
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((name) => !declared.has(name))).toEqual([]);
  });

  for (const kind of ['Query', 'Mutation', 'Subscription'] as const) {
    it(`${kind}: FORBIDDEN below the declared role, not FORBIDDEN at or above it, UNAUTHENTICATED without a token`, async () => {
      const mismatches: string[] = [];
      const seen: string[] = [];
      for (const field of rootFields(kind)) {
        const access = declared.get(`${kind}.${field.name}`)!.access;
        const anonymous = await codeOf(kind, field, null);
        if (access !== 'PUBLIC' && anonymous !== 'UNAUTHENTICATED') mismatches.push(`${field.name} without a token: ${anonymous}`);
        if (access === 'PUBLIC' && (anonymous === 'UNAUTHENTICATED' || anonymous === 'FORBIDDEN'))
          mismatches.push(`${field.name} (public) refused: ${anonymous}`);
        const codes = await Promise.all(ROLES_ASCENDING.map((role) => codeOf(kind, field, tokens[role])));
        ROLES_ASCENDING.forEach((role, i) => {
          const refused = codes[i] === 'FORBIDDEN';
          if (admits(access, role) === refused || codes[i] === 'UNAUTHENTICATED') mismatches.push(`${field.name} as ${role} (declared ${access}): ${codes[i]}`);
        });
        seen.push(`${field.name}[${access}] ${codes.map((c) => c ?? 'ok').join('/')}`);
      }
      console.log(`${kind}: ${seen.length} operations × ${ROLES_ASCENDING.length} roles\n${seen.join('\n')}`);
      expect(mismatches).toEqual([]);
    }, 120_000);
  }
});

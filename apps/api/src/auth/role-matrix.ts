import 'reflect-metadata';
import { RESOLVER_NAME_METADATA, RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import type { Role } from '@tower/db';
import type { GraphQLSchema } from 'graphql';
import { ROLE_RANK } from './actor.js';
import { ACCESS, type Access } from './auth.decorators.js';

type ClassRef = abstract new (...args: never[]) => unknown;

export type OperationKind = 'Query' | 'Mutation' | 'Subscription';
const OPERATION_KINDS: readonly OperationKind[] = ['Query', 'Mutation', 'Subscription'];

/** One root field of the schema and who may call it, as its resolver method declares. */
export interface OperationAccess {
  kind: OperationKind;
  /** The schema's field name (a method's `name` option, else the method's name). */
  field: string;
  access: Access;
  /** `Resolver.method`, for messages. */
  handler: string;
}

/** Lowest first: the columns of the matrix. */
export const ROLES_ASCENDING: readonly Role[] = (Object.keys(ROLE_RANK) as Role[]).sort((a, b) => ROLE_RANK[a] - ROLE_RANK[b]);

/** An operation without a declaration, or a schema field no declared method provides. */
export class RoleDeclarationError extends Error {}

/**
 * The declared access of every query, mutation and subscription handler of these resolver
 * classes. Throws RoleDeclarationError naming each handler that declares none (@Public,
 * @AnyRole or @Roles) — the schema generator calls it, so such an operation fails the build.
 */
export function operationAccessOf(resolvers: readonly ClassRef[]): OperationAccess[] {
  const out: OperationAccess[] = [];
  const undeclared: string[] = [];
  for (const cls of resolvers) {
    const proto = cls.prototype as Record<string, unknown>;
    for (const method of Object.getOwnPropertyNames(proto)) {
      const handler = proto[method];
      if (method === 'constructor' || typeof handler !== 'function') continue;
      const kind = Reflect.getMetadata(RESOLVER_TYPE_METADATA, handler) as unknown;
      if (!OPERATION_KINDS.includes(kind as OperationKind)) continue;
      const field = (Reflect.getMetadata(RESOLVER_NAME_METADATA, handler) as string | undefined) ?? method;
      const access = Reflect.getMetadata(ACCESS, handler) as Access | undefined;
      const name = `${cls.name}.${method}`;
      if (!access) undeclared.push(`${kind} ${field} (${name})`);
      else out.push({ kind: kind as OperationKind, field, access, handler: name });
    }
  }
  if (undeclared.length) {
    throw new RoleDeclarationError(
      `every operation must declare who may call it with @Public(), @AnyRole() or @Roles(...); these declare nothing: ${undeclared.join(', ')}`,
    );
  }
  return out.sort((a, b) => OPERATION_KINDS.indexOf(a.kind) - OPERATION_KINDS.indexOf(b.kind) || a.field.localeCompare(b.field));
}

/** Also refuses a root field of the built schema that no declared handler provides. */
export function checkSchemaCovered(schema: GraphQLSchema, declared: readonly OperationAccess[]): void {
  const known = new Set(declared.map((d) => `${d.kind}.${d.field}`));
  const missing: string[] = [];
  for (const kind of OPERATION_KINDS) {
    const type = kind === 'Query' ? schema.getQueryType() : kind === 'Mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    for (const field of Object.keys(type?.getFields() ?? {})) if (!known.has(`${kind}.${field}`)) missing.push(`${kind}.${field}`);
  }
  if (missing.length) throw new RoleDeclarationError(`schema fields without a role declaration: ${missing.join(', ')}`);
}

/** Whether a caller with `role` passes the declaration (PUBLIC admits everyone). */
export function admits(access: Access, role: Role): boolean {
  return access === 'PUBLIC' || ROLE_RANK[role] >= ROLE_RANK[access];
}

/** docs/roles.md: the matrix, generated from the declarations (checked for drift like the schema). */
export function roleMatrixMarkdown(declared: readonly OperationAccess[]): string {
  const lines = [
    '# Role matrix',
    '',
    "<!-- Generated from the resolvers' @Public/@AnyRole/@Roles declarations by apps/api/src/generate-schema.ts;",
    '     `node scripts/schema-check.mjs --write` updates it, `npm test` fails when it is stale. -->',
    '',
    'Who may call each operation. Roles rank VIEWER < OPERATOR < EDITOR < ADMIN < OWNER; a role admits',
    'everyone at or above it. A caller below gets `FORBIDDEN` (refused mutations are audited); no',
    'token, or an invalid one, gets `UNAUTHENTICATED`. `public` needs no token. Fields nested in a',
    'result (e.g. `DagRun.taskInstances`) are reached only through an operation and follow it. Every',
    "operation works on the caller's own tenant only ([api.md](api.md#tenancy)).",
    '',
    `| Operation | Declared | ${ROLES_ASCENDING.join(' | ')} |`,
    `|---|---|${ROLES_ASCENDING.map(() => ':-:').join('|')}|`,
  ];
  for (const op of declared) {
    const cells = ROLES_ASCENDING.map((r) => (admits(op.access, r) ? '✓' : '–'));
    lines.push(`| ${op.kind.toLowerCase()} \`${op.field}\` | ${op.access === 'PUBLIC' ? 'public' : `${op.access}+`} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

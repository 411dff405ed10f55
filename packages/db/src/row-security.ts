import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/**
 * Row-level security, the second wall of tenancy (docs/database.md, "Row-level security").
 *
 * Every tenant table has an RLS policy for the Postgres role `tower_app` (the API's: not a
 * table owner, not BYPASSRLS): a row is visible and writable only when its `tenantId` equals the
 * transaction's `tower.tenant_id` setting (`set_config(…, true)`, i.e. SET LOCAL). A statement
 * sent without that setting sees no tenant row at all, so a query that forgets its tenant filter
 * reads and writes nothing of another tenant. The scheduler and the workers work across tenants
 * by nature, as the tables' owner, which RLS does not apply to.
 *
 * Which tenant a statement of the API runs for is the *database scope* of the code calling it,
 * carried by AsyncLocalStorage: the API opens an empty scope per request (and per graphql-ws
 * operation), its auth guard binds the caller's tenant to it, and the API's pool (client.ts)
 * sends every statement in a transaction that sets `tower.tenant_id` first. The lookups that find
 * the tenant in the first place (a session or API key by its secret's hash, a login by email, a
 * sign-up, an invitation by its token) run `asSystem`: their transaction drops the API's role for
 * the login role (`set_config('role', 'none', true)`, i.e. SET LOCAL ROLE NONE), as the engine works. Every such call is named in code;
 * grep for `asSystem`.
 */
export const DB_ROLES = { app: 'tower_app' } as const;
export type DbRole = (typeof DB_ROLES)[keyof typeof DB_ROLES];

/** The transaction setting the `tower_app` policies compare each row's `tenantId` with. */
export const TENANT_SETTING = 'tower.tenant_id';

/**
 * The database scope of the running code. Mutable on purpose: a request opens an empty one before
 * anyone knows the caller, and the auth guard fills `tenantId` in once the token resolved, for
 * everything the request runs after it.
 */
export interface DbScope {
  tenantId?: string;
  system?: boolean;
}

const scopes = new AsyncLocalStorage<DbScope>();

/** Runs `fn` (and everything it starts) in `scope`. */
export function runInDbScope<T>(scope: DbScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/**
 * Runs `fn` for one tenant: its statements see that tenant's rows only. Awaited inside the scope:
 * a Prisma query is a lazy thenable that runs only when awaited, which must happen in it.
 */
export function withTenantScope<T>(tenantId: string, fn: () => T | PromiseLike<T>): Promise<T> {
  return scopes.run({ tenantId }, async () => await fn());
}

/**
 * Runs `fn` as the login role, as the engine works (SET LOCAL ROLE NONE): for the few lookups that are how a tenant is found (or that
 * are about a user across tenants). Nothing of a request's own work belongs here. Awaited inside
 * the scope, as withTenantScope.
 */
export function asSystem<T>(fn: () => T | PromiseLike<T>): Promise<T> {
  return scopes.run({ system: true }, async () => await fn());
}

/** The current scope (the mutable one a request opened), if any. */
export function currentDbScope(): DbScope | undefined {
  return scopes.getStore();
}

/**
 * Binds a tenant to the current scope (the request's). Refuses to rebind another tenant: one
 * request is one caller.
 */
export function bindTenantScope(tenantId: string): void {
  const scope = scopes.getStore();
  if (!scope) throw new Error('no database scope is open: the request was not wrapped by runInDbScope');
  if (scope.tenantId && scope.tenantId !== tenantId) throw new Error('the database scope is already bound to another tenant');
  scope.tenantId = tenantId;
}

const SYSTEM_KEY = '*system';

/**
 * The current scope as a value (a tenant id, the system's mark, or '' outside any scope), for
 * work collected from several callers and run later (GroupCommit, Prisma's own batching in
 * scoped-batching.ts): runInScopeKey runs it so. Such work must be batched per key: a batch run in
 * one caller's context carries that caller's scope for every statement in it. A key stands for
 * all of a scope that reaches the database (a tenant id is a UUID, never the system's mark): a new
 * DbScope field must be carried by both functions.
 */
export function scopeKey(): string {
  const scope = scopes.getStore();
  return scope?.system ? SYSTEM_KEY : (scope?.tenantId ?? '');
}

/** Runs `fn` in the scope `key` (scopeKey) stands for: a tenant's, the system's, or none. */
export function runInScopeKey<T>(key: string, fn: () => Promise<T>): Promise<T> {
  if (key === '') return scopes.exit(fn);
  if (key === SYSTEM_KEY) return asSystem(fn);
  return withTenantScope(key, fn);
}

/** A setting for the current transaction only (`set_config(name, value, true)`, i.e. SET LOCAL). */
export interface ScopeSetting {
  name: string;
  value: string;
}

/**
 * The setting the current scope runs with: the caller's tenant, or the login role for the
 * system's lookups (`role` = `none` is SET ROLE NONE); null outside any scope. client.ts sends it
 * in a statement's own round trip (scoped-query.ts) or right after BEGIN (scopeStatement).
 */
export function scopeSetting(): ScopeSetting | null {
  const scope = scopes.getStore();
  if (scope?.system) return { name: 'role', value: 'none' };
  if (scope?.tenantId) return { name: TENANT_SETTING, value: scope.tenantId };
  return null;
}

/** `setting` as a statement without parameters (escaped literals), to send after BEGIN; '' for none. */
export function scopeStatement(setting: ScopeSetting | null = scopeSetting()): string {
  return setting ? `SELECT set_config(${pg.escapeLiteral(setting.name)}, ${pg.escapeLiteral(setting.value)}, true)` : '';
}

/**
 * An async iterator whose every pull runs in `scope` (a subscription's events are pulled by
 * graphql-ws, outside the scope the subscription was opened in; their field resolvers read).
 */
export type ScopedIterator<T> = AsyncIterableIterator<T> & Required<Pick<AsyncIterator<T>, 'return' | 'throw'>>;

export function iteratorInScope<T>(it: AsyncIterator<T>, scope: DbScope): ScopedIterator<T> {
  return {
    next: (...args: [] | [unknown]) => scopes.run(scope, () => it.next(...args)),
    return: (value?: unknown) => scopes.run(scope, () => (it.return ? it.return(value) : Promise.resolve({ value: undefined, done: true as const }))),
    throw: (err?: unknown) => scopes.run(scope, () => (it.throw ? it.throw(err) : Promise.reject(err))),
    [Symbol.asyncIterator]() {
      return this;
    },
  } as ScopedIterator<T>;
}

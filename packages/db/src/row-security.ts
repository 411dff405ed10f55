import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/**
 * Row-level security, the second wall of tenancy (docs/database.md, "Row-level security").
 *
 * Every tenant table has RLS policies for two Postgres roles, neither of them a table owner nor
 * BYPASSRLS:
 * - `tower_app` (the API): a row is visible and writable only when its `tenantId` equals the
 *   transaction's `tower.tenant_id` setting (`set_config(…, true)`, i.e. SET LOCAL). A statement
 *   sent without that setting sees no tenant row at all, so a query that forgets its tenant
 *   filter reads and writes nothing of another tenant.
 * - `tower_engine` (scheduler and worker): the engine works across tenants by nature, and sees
 *   every row.
 *
 * Which tenant a statement of the API runs for is the *database scope* of the code calling it,
 * carried by AsyncLocalStorage: the API opens an empty scope per request (and per graphql-ws
 * operation), its auth guard binds the caller's tenant to it, and the API's pool (client.ts)
 * sends every statement in a transaction that sets `tower.tenant_id` first. The lookups that find
 * the tenant in the first place (a session or API key by its secret's hash, a login by email, a
 * sign-up, an invitation by its token) run `asSystem`: their transaction takes the engine's role
 * (`SET LOCAL ROLE tower_engine`). Every such call is named in code; grep for `asSystem`.
 */
export const DB_ROLES = { app: 'tower_app', engine: 'tower_engine' } as const;
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
 * Runs `fn` with the engine's role: for the few lookups that are how a tenant is found (or that
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

/**
 * What a transaction of the current scope sends right after BEGIN (no parameters: the tenant id
 * is an escaped literal), or '' outside any scope.
 */
export function scopeStatement(): string {
  const scope = scopes.getStore();
  if (!scope) return '';
  if (scope.system) return `SET LOCAL ROLE ${DB_ROLES.engine}`;
  if (scope.tenantId) return `SELECT set_config('${TENANT_SETTING}', ${pg.escapeLiteral(scope.tenantId)}, true)`;
  return '';
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

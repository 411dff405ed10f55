/**
 * Tenant isolation by type. A tenant-scoped repository declares
 *
 *   export class DagRepository implements TenantScoped<DagRepository> { … }
 *
 * and then every public method must take `tenantId: string` as its first parameter, or the class
 * does not compile (the error names the method). Each method filters every query by that tenant.
 * The few lookups that cannot be scoped by nature — they are how the tenant is found, e.g. an API
 * key by its secret hash — are listed in `Unscoped`, so every exception is explicit in one place:
 *
 *   export class ApiKeyRepository implements TenantScoped<ApiKeyRepository, 'findActiveByHash'> { … }
 */
export type TenantScoped<T, Unscoped extends keyof T = never> = {
  [K in Exclude<keyof T, Unscoped>]: T[K] extends (...args: infer A) => unknown
    ? A extends [string, ...unknown[]]
      ? T[K]
      : `${K & string}() must take tenantId: string as its first parameter`
    : T[K];
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids are Postgres UUIDs: anything else cannot match a row, and would make Postgres raise
 * "invalid input syntax for type uuid" instead of the "not found" the caller expects.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

import { isUuid, type TenantScoped } from './tenant-scoped.js';

// The compile-time half of these tests runs in the package's typecheck (tsconfig.test.json): every
// expected error below must occur, or the type check fails.

export class ScopedRepository implements TenantScoped<ScopedRepository> {
  find(tenantId: string, id: string): string {
    return `${tenantId}/${id}`;
  }
  list(tenantId: string, opts?: { limit: number }): string[] {
    return [tenantId, String(opts?.limit)];
  }
}

export class MissingTenantRepository implements TenantScoped<MissingTenantRepository> {
  // @ts-expect-error a method without the tenant id does not compile
  listAll(): string[] {
    return [];
  }
}

export class OptionalTenantRepository implements TenantScoped<OptionalTenantRepository> {
  // @ts-expect-error an optional tenant id is no tenant id
  find(tenantId?: string): string {
    return tenantId ?? '';
  }
}

export class ExemptedLookupRepository implements TenantScoped<ExemptedLookupRepository, 'findByHash'> {
  findByHash(hash: string): string {
    return hash;
  }
  revoke(tenantId: string, id: string): string {
    return `${tenantId}/${id}`;
  }
}

describe('TenantScoped', () => {
  it('is a compile-time check only: conforming classes work as written', () => {
    expect(new ScopedRepository().find('t', 'x')).toBe('t/x');
    expect(new ExemptedLookupRepository().findByHash('h')).toBe('h');
  });
});

describe('isUuid', () => {
  it('accepts Postgres UUIDs in either case and rejects anything else', () => {
    expect(isUuid('0b9d6f3e-8c1a-4f5e-9d2b-7a6c5e4d3f21')).toBe(true);
    expect(isUuid('0B9D6F3E-8C1A-4F5E-9D2B-7A6C5E4D3F21')).toBe(true);
    expect(isUuid('0b9d6f3e8c1a4f5e9d2b7a6c5e4d3f21')).toBe(false);
    expect(isUuid("x' OR 1=1 --")).toBe(false);
    expect(isUuid('')).toBe(false);
  });
});

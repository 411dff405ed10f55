import type { Tenant } from '../generated/prisma/client.js';
import type { DbClient } from '../client.js';
import { isUuid, type TenantScoped } from './tenant-scoped.js';

export interface CreateTenantInput {
  name: string;
  slug: string;
  concurrencyQuota?: number;
}

/** Tenants themselves: creating one and finding one by slug come before any tenant id is known. */
export class TenantRepository implements TenantScoped<TenantRepository, 'create' | 'findBySlug'> {
  constructor(private readonly db: DbClient) {}

  create(input: CreateTenantInput): Promise<Tenant> {
    return this.db.tenant.create({ data: input });
  }

  async findById(tenantId: string): Promise<Tenant | null> {
    if (!isUuid(tenantId)) return null;
    return this.db.tenant.findUnique({ where: { id: tenantId } });
  }

  findBySlug(slug: string): Promise<Tenant | null> {
    return this.db.tenant.findUnique({ where: { slug } });
  }
}

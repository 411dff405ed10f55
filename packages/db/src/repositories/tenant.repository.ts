import { retentionPolicyErrors, TowerError, type RetentionPolicy } from '@tower/core';
import type { Tenant } from '../generated/prisma/client.js';
import type { DbClient } from '../client.js';
import { isUuid, type TenantScoped } from './tenant-scoped.js';
import { asSystem } from '../row-security.js';

export interface CreateTenantInput {
  name: string;
  slug: string;
  concurrencyQuota?: number;
}

/** Tenants themselves: creating one and finding one by slug come before any tenant id is known. */
export class TenantRepository implements TenantScoped<TenantRepository, 'create' | 'findBySlug'> {
  constructor(private readonly db: DbClient) {}

  create(input: CreateTenantInput): Promise<Tenant> {
    // A new tenant is nobody's yet (row-security.ts).
    return asSystem(() => this.db.tenant.create({ data: input }));
  }

  async findById(tenantId: string): Promise<Tenant | null> {
    if (!isUuid(tenantId)) return null;
    return this.db.tenant.findUnique({ where: { id: tenantId } });
  }

  findBySlug(slug: string): Promise<Tenant | null> {
    return asSystem(() => this.db.tenant.findUnique({ where: { slug } }));
  }

  /** The tenant's retention policy (docs/retention.md). */
  async retentionPolicy(tenantId: string): Promise<RetentionPolicy> {
    const row = isUuid(tenantId)
      ? await this.db.tenant.findUnique({ where: { id: tenantId }, select: { runRetentionDays: true, logRetentionDays: true } })
      : null;
    if (!row) throw new TowerError('NOT_FOUND', 'tenant not found');
    return row;
  }

  /**
   * Changes the fields of the policy `patch` names, after validating the policy that results (so
   * logs never outlive their runs): a compare-and-set on the policy read, so two concurrent
   * changes cannot combine into one neither validated (the second answers CONFLICT).
   */
  async updateRetentionPolicy(tenantId: string, patch: Partial<RetentionPolicy>): Promise<RetentionPolicy> {
    const current = await this.retentionPolicy(tenantId);
    const policy: RetentionPolicy = {
      runRetentionDays: patch.runRetentionDays ?? current.runRetentionDays,
      logRetentionDays: patch.logRetentionDays ?? current.logRetentionDays,
    };
    const errors = retentionPolicyErrors(policy);
    if (errors.length) {
      throw new TowerError('BAD_USER_INPUT', errors.map((e) => e.message).join('; '), { path: errors[0].path, details: { errors } });
    }
    const { count } = await this.db.tenant.updateMany({ where: { id: tenantId, ...current }, data: policy });
    if (count === 0) throw new TowerError('CONFLICT', 'the retention policy changed meanwhile: read it again and retry');
    return policy;
  }
}

import type { ApiKey, Role } from '../generated/prisma/client.js';
import type { DbClient } from '../client.js';
import { isUuid, type TenantScoped } from './tenant-scoped.js';
import { asSystem } from '../row-security.js';

export interface CreateApiKeyInput {
  name: string;
  role: Role;
  /** Hash of the secret; the secret itself is shown once and never stored. */
  secretHash: string;
  createdById?: string | null;
}

/** API keys of a tenant. Only `findActiveByHash` is unscoped: it is how a request's tenant is found. */
export class ApiKeyRepository implements TenantScoped<ApiKeyRepository, 'findActiveByHash'> {
  constructor(private readonly db: DbClient) {}

  create(tenantId: string, input: CreateApiKeyInput): Promise<ApiKey> {
    return this.db.apiKey.create({ data: { tenantId, ...input } });
  }

  /** The key with this secret hash unless it was revoked. */
  findActiveByHash(secretHash: string): Promise<ApiKey | null> {
    // How the tenant is found: before it is known (row-security.ts).
    return asSystem(() => this.db.apiKey.findFirst({ where: { secretHash, revokedAt: null } }));
  }

  async findById(tenantId: string, id: string): Promise<ApiKey | null> {
    if (!isUuid(tenantId) || !isUuid(id)) return null;
    return this.db.apiKey.findFirst({ where: { id, tenantId } });
  }

  /** Newest first, revoked ones included (they show as revoked). */
  async list(tenantId: string): Promise<ApiKey[]> {
    if (!isUuid(tenantId)) return [];
    return this.db.apiKey.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  /**
   * Revokes the key if it belongs to this tenant and is active; returns it as revoked, or null when
   * there is no such active key here (unknown, another tenant's, or already revoked).
   */
  async revoke(tenantId: string, id: string, now: Date = new Date()): Promise<ApiKey | null> {
    if (!isUuid(tenantId) || !isUuid(id)) return null;
    const [key] = await this.db.apiKey.updateManyAndReturn({ where: { id, tenantId, revokedAt: null }, data: { revokedAt: now } });
    return key ?? null;
  }

  /** Records that the key was used (informational). */
  async touch(tenantId: string, id: string, now: Date): Promise<void> {
    if (!isUuid(tenantId) || !isUuid(id)) return;
    await this.db.apiKey.updateMany({ where: { id, tenantId }, data: { lastUsedAt: now } });
  }
}

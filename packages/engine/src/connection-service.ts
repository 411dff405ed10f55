import {
  assertConnectionComplete,
  badInput,
  conflict,
  mergeConnectionSecrets,
  notFound,
  parseConnectionConfig,
  parseConnectionIdentity,
  PASSWORD_FIELDS,
  TowerError,
  type ConnectionConfig,
  type ConnectionSecrets,
  type ConnectionType,
} from '@tower/core';
import { isUuid, type Connection } from '@tower/db';
import { envelopeKeyId, needsRotation, openSecrets, reencrypt, sealSecrets } from '@tower/secrets';
import type { EngineDeps } from './deps.js';

/** What the API may show of a connection: never a secret, only which secret fields are set. */
export interface ConnectionView {
  id: string;
  connId: string;
  type: ConnectionType;
  description: string | null;
  config: ConnectionConfig;
  secretFields: string[];
  hasPassword: boolean;
  keyId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A connection with its secrets decrypted: for the worker and testConnection only. */
export interface ResolvedConnectionRecord {
  id: string;
  connId: string;
  type: ConnectionType;
  config: ConnectionConfig;
  secrets: ConnectionSecrets;
}

export interface CreateConnectionInput {
  connId: unknown;
  type: unknown;
  description?: string | null;
  config?: unknown;
  secrets?: unknown;
}

export interface UpdateConnectionInput {
  description?: string | null;
  /** Replaces the whole config when given. */
  config?: unknown;
  /** A patch: a string sets a field, null removes it, absent keeps it. */
  secrets?: unknown;
}

export interface RotationResult {
  connections: number;
  reencrypted: number;
  keyId: string;
}

/**
 * Tenant connections with secrets encrypted at rest (AES-256-GCM, one envelope per row holding
 * the JSON of its secret fields, key id stored beside it). Tenant id first, always: a lookup
 * can only ever find the caller's own connections.
 */
export class ConnectionService {
  constructor(private readonly deps: EngineDeps) {}

  async list(tenantId: string): Promise<ConnectionView[]> {
    const rows = await this.deps.prisma.connection.findMany({ where: { tenantId }, orderBy: { connId: 'asc' } });
    return rows.map((row) => this.view(row));
  }

  async get(tenantId: string, id: string): Promise<ConnectionView> {
    return this.view(await this.row(tenantId, id));
  }

  async create(tenantId: string, input: CreateConnectionInput): Promise<ConnectionView> {
    const { connId, type } = parseConnectionIdentity(input.connId, input.type);
    const config = parseConnectionConfig(type, input.config);
    const secrets = mergeConnectionSecrets(type, {}, input.secrets);
    assertConnectionComplete(type, config, secrets);
    const sealed = this.seal(secrets);
    try {
      const row = await this.deps.prisma.connection.create({
        data: { tenantId, connId, type, description: input.description ?? null, config: config as object, ...sealed },
      });
      return this.view(row);
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw conflict(`a connection "${connId}" already exists`, { connId });
      throw err;
    }
  }

  async update(tenantId: string, id: string, input: UpdateConnectionInput): Promise<ConnectionView> {
    const current = await this.row(tenantId, id);
    const type = current.type as ConnectionType;
    const config = input.config === undefined ? (current.config as ConnectionConfig) : parseConnectionConfig(type, input.config);
    const secrets = mergeConnectionSecrets(type, this.open(current), input.secrets);
    assertConnectionComplete(type, config, secrets);
    // Compare-and-set on updatedAt: a concurrent update is refused rather than silently merged.
    const [row] = await this.deps.prisma.connection.updateManyAndReturn({
      where: { id: current.id, tenantId, updatedAt: current.updatedAt },
      data: {
        config: config as object,
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...this.seal(secrets),
      },
    });
    if (!row) throw conflict(`connection "${current.connId}" was changed concurrently; retry`);
    return this.view(row);
  }

  async delete(tenantId: string, id: string): Promise<ConnectionView> {
    const current = await this.row(tenantId, id);
    const users = await this.dagsUsing(tenantId, current.connId);
    if (users.length > 0) {
      throw conflict(`connection "${current.connId}" is used by ${users.join(', ')}; change those DAGs first`, { dags: users });
    }
    await this.deps.prisma.connection.deleteMany({ where: { id: current.id, tenantId } });
    return this.view(current);
  }

  /** The tenant's connection by its connId, decrypted. Another tenant's connection is "not found". */
  async resolve(tenantId: string, connId: string, type?: ConnectionType): Promise<ResolvedConnectionRecord> {
    const row = await this.deps.prisma.connection.findUnique({ where: { tenantId_connId: { tenantId, connId } } });
    if (!row) throw notFound(`connection "${connId}"`);
    if (type && row.type !== type) throw badInput(`connection "${connId}" is a ${row.type} connection, not ${type}`);
    return { id: row.id, connId: row.connId, type: row.type as ConnectionType, config: row.config as ConnectionConfig, secrets: this.open(row) };
  }

  async resolveById(tenantId: string, id: string): Promise<ResolvedConnectionRecord> {
    const row = await this.row(tenantId, id);
    return { id: row.id, connId: row.connId, type: row.type as ConnectionType, config: row.config as ConnectionConfig, secrets: this.open(row) };
  }

  /**
   * Re-encrypts every connection secret not under the current key (all tenants: an operator
   * command, not an API call). Each row is a compare-and-set on its ciphertext, so a concurrent
   * update wins and is not overwritten. Idempotent: a second run re-encrypts nothing.
   */
  async rotateKeys(onProgress?: (done: number, total: number) => void): Promise<RotationResult> {
    const keyring = this.deps.keyring;
    const rows = await this.deps.prisma.connection.findMany({
      where: { secretCiphertext: { not: null } },
      select: { id: true, secretCiphertext: true },
    });
    let reencrypted = 0;
    for (const [i, row] of rows.entries()) {
      if (needsRotation(keyring, row.secretCiphertext!)) {
        const { envelope, keyId } = reencrypt(keyring, row.secretCiphertext!);
        const done = await this.deps.prisma.connection.updateMany({
          where: { id: row.id, secretCiphertext: row.secretCiphertext },
          data: { secretCiphertext: envelope, keyId },
        });
        reencrypted += done.count;
      }
      onProgress?.(i + 1, rows.length);
    }
    return { connections: rows.length, reencrypted, keyId: keyring.current.id };
  }

  private async row(tenantId: string, id: string): Promise<Connection> {
    const row = isUuid(id) ? await this.deps.prisma.connection.findFirst({ where: { id, tenantId } }) : null;
    if (!row) throw notFound(`connection ${id}`);
    return row;
  }

  private seal(secrets: ConnectionSecrets): { secretCiphertext: string | null; keyId: string | null } {
    const sealed = sealSecrets(this.deps.keyring, secrets);
    return { secretCiphertext: sealed?.envelope ?? null, keyId: sealed?.keyId ?? null };
  }

  private open(row: Pick<Connection, 'secretCiphertext' | 'connId'>): ConnectionSecrets {
    try {
      return openSecrets(this.deps.keyring, row.secretCiphertext);
    } catch (err) {
      throw new TowerError('INTERNAL', `the secrets of connection "${row.connId}" cannot be decrypted: ${(err as Error).message}`);
    }
  }

  private view(row: Connection): ConnectionView {
    const secretFields = row.secretCiphertext ? Object.keys(this.open(row)).sort() : [];
    return {
      id: row.id,
      connId: row.connId,
      type: row.type as ConnectionType,
      description: row.description,
      config: row.config as ConnectionConfig,
      secretFields,
      hasPassword: secretFields.some((f) => PASSWORD_FIELDS.has(f)),
      keyId: row.secretCiphertext ? envelopeKeyId(row.secretCiphertext) : null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  /** DAGs whose latest version references the connection (task, with.connection or trigger). */
  private async dagsUsing(tenantId: string, connId: string): Promise<string[]> {
    const dags = await this.deps.prisma.dag.findMany({ where: { tenantId }, select: { id: true, dagId: true, latestVersion: true } });
    if (dags.length === 0) return [];
    const versions = await this.deps.prisma.dagVersion.findMany({
      where: { tenantId, OR: dags.map((d) => ({ dagPk: d.id, version: d.latestVersion })) },
      select: { dagPk: true, spec: true },
    });
    const byPk = new Map(dags.map((d) => [d.id, d.dagId]));
    return versions.filter((v) => specReferences(v.spec, connId)).map((v) => byPk.get(v.dagPk)!);
  }
}

function specReferences(spec: unknown, connId: string): boolean {
  const s = spec as { tasks?: Array<{ connection?: string; with?: Record<string, unknown> }>; triggers?: Array<{ connection?: string }> };
  const inWith = (w: Record<string, unknown> | undefined): boolean =>
    !!w && (w.connection === connId || w.s3Connection === connId || (Array.isArray(w.channels) && w.channels.includes(connId)));
  return (s.tasks ?? []).some((t) => t.connection === connId || inWith(t.with)) || (s.triggers ?? []).some((t) => t.connection === connId);
}

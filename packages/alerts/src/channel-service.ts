import {
  ALERT_CHANNEL_DEFINITIONS,
  conflict,
  mergeAlertChannelSecrets,
  notFound,
  parseAlertChannelConfig,
  parseAlertChannelName,
  parseAlertChannelType,
  TowerError,
  type AlertChannelConfig,
  type AlertChannelSecrets,
  type AlertChannelType,
} from '@tower/core';
import { isUuid, type AlertChannel } from '@tower/db';
import { envelopeKeyId, needsRotation, openSecrets, reencrypt, sealSecrets } from '@tower/secrets';
import type { AlertsDeps } from './deps.js';

/** The config field naming where a channel sends, and the secret that must be given again when it changes. */
const ENDPOINT_SECRET: Partial<Record<AlertChannelType, { config: string; secret: string }>> = {
  WEBHOOK: { config: 'url', secret: 'signingSecret' },
  PAGERDUTY: { config: 'eventsUrl', secret: 'routingKey' },
};

/** What the API may show of a channel: never a secret value, only which secret fields are set. */
export interface AlertChannelView {
  id: string;
  name: string;
  type: AlertChannelType;
  config: AlertChannelConfig;
  secretFields: string[];
  keyId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A channel with its secrets opened: for delivery and testAlertChannel only. */
export interface ResolvedAlertChannel {
  id: string;
  tenantId: string;
  name: string;
  type: AlertChannelType;
  config: AlertChannelConfig;
  secrets: AlertChannelSecrets;
}

export interface AlertChannelInput {
  name?: unknown;
  type?: unknown;
  config?: unknown;
  /** A patch: a string sets a field, null removes it, an absent field is kept. */
  secrets?: unknown;
}

/**
 * A tenant's alert channels. Secrets are sealed like connection secrets (AES-256-GCM envelope of
 * the JSON of the secret fields, key id beside it) and never returned. Tenant id first, always.
 */
export class AlertChannelService {
  constructor(private readonly deps: AlertsDeps) {}

  async list(tenantId: string): Promise<AlertChannelView[]> {
    const rows = await this.deps.prisma.alertChannel.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
    return rows.map((row) => this.view(row));
  }

  async get(tenantId: string, id: string): Promise<AlertChannelView> {
    return this.view(await this.row(tenantId, id));
  }

  async create(tenantId: string, input: AlertChannelInput): Promise<AlertChannelView> {
    const type = parseAlertChannelType(input.type);
    const name = parseAlertChannelName(input.name);
    const config = parseAlertChannelConfig(type, input.config);
    const secrets = mergeAlertChannelSecrets(type, {}, input.secrets);
    try {
      const row = await this.deps.prisma.alertChannel.create({ data: { tenantId, name, type, config: config as object, ...this.seal(secrets) } });
      return this.view(row);
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw conflict(`an alert channel "${name}" already exists`, { name });
      throw err;
    }
  }

  async update(tenantId: string, id: string, input: AlertChannelInput): Promise<AlertChannelView> {
    const current = await this.row(tenantId, id);
    const type = current.type as AlertChannelType;
    if (input.type != null && input.type !== type) throw new TowerError('BAD_USER_INPUT', 'a channel cannot change its type', { path: 'type' });
    const name = input.name == null ? current.name : parseAlertChannelName(input.name);
    const config = input.config == null ? (current.config as AlertChannelConfig) : parseAlertChannelConfig(type, input.config);
    const secrets = mergeAlertChannelSecrets(type, this.open(current), input.secrets);
    // A stored secret never follows a new endpoint: whoever may edit a channel could otherwise
    // point it at their own server and receive the signing secret's signatures or the routing key.
    const endpoint = ENDPOINT_SECRET[type];
    if (endpoint && config[endpoint.config] !== (current.config as AlertChannelConfig)[endpoint.config]) {
      const patch = (input.secrets ?? {}) as Record<string, unknown>;
      if (typeof patch[endpoint.secret] !== 'string') {
        throw new TowerError('BAD_USER_INPUT', `changing config.${endpoint.config} needs secrets.${endpoint.secret} again`, {
          path: `secrets.${endpoint.secret}`,
        });
      }
    }
    try {
      // Compare-and-set on updatedAt: a concurrent update is refused rather than silently merged.
      const [row] = await this.deps.prisma.alertChannel.updateManyAndReturn({
        where: { id: current.id, tenantId, updatedAt: current.updatedAt },
        data: { name, config: config as object, ...this.seal(secrets) },
      });
      if (!row) throw conflict(`alert channel "${current.name}" was changed concurrently; retry`);
      return this.view(row);
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw conflict(`an alert channel "${name}" already exists`, { name });
      throw err;
    }
  }

  /** Refused while a rule sends to it: say which, so the user can change them first. */
  async delete(tenantId: string, id: string): Promise<AlertChannelView> {
    const current = await this.row(tenantId, id);
    const rules = await this.deps.prisma.alertRule.findMany({ where: { tenantId, channelIds: { has: current.id } }, select: { name: true } });
    if (rules.length > 0) {
      const names = rules.map((r) => r.name).sort();
      throw conflict(`alert channel "${current.name}" is used by the rules ${names.join(', ')}; change those rules first`, { rules: names });
    }
    await this.deps.prisma.alertChannel.deleteMany({ where: { id: current.id, tenantId } });
    return this.view(current);
  }

  /**
   * Re-encrypts every channel secret not under the current key (all tenants: the rotate-keys
   * command, beside connections). A compare-and-set per row; idempotent.
   */
  async rotateKeys(): Promise<{ channels: number; reencrypted: number; left: number }> {
    const keyring = this.deps.keyring;
    const rows = await this.deps.prisma.alertChannel.findMany({ where: { secretCiphertext: { not: null } }, select: { id: true, secretCiphertext: true } });
    let reencrypted = 0;
    for (const row of rows) {
      if (!needsRotation(keyring, row.secretCiphertext!)) continue;
      const { envelope, keyId } = reencrypt(keyring, row.secretCiphertext!);
      const done = await this.deps.prisma.alertChannel.updateMany({
        where: { id: row.id, secretCiphertext: row.secretCiphertext },
        data: { secretCiphertext: envelope, secretKeyId: keyId },
      });
      reencrypted += done.count;
    }
    const left = await this.deps.prisma.alertChannel.count({ where: { secretCiphertext: { not: null }, NOT: { secretKeyId: keyring.current.id } } });
    return { channels: rows.length, reencrypted, left };
  }

  async resolve(tenantId: string, id: string): Promise<ResolvedAlertChannel> {
    const row = await this.row(tenantId, id);
    return this.resolved(row);
  }

  resolved(row: Pick<AlertChannel, 'id' | 'tenantId' | 'name' | 'type' | 'config' | 'secretCiphertext'>): ResolvedAlertChannel {
    return {
      id: row.id,
      tenantId: row.tenantId,
      name: row.name,
      type: row.type as AlertChannelType,
      config: row.config as AlertChannelConfig,
      secrets: this.open(row),
    };
  }

  private async row(tenantId: string, id: string): Promise<AlertChannel> {
    const row = isUuid(id) ? await this.deps.prisma.alertChannel.findFirst({ where: { id, tenantId } }) : null;
    if (!row) throw notFound(`alert channel ${id}`);
    return row;
  }

  private seal(secrets: AlertChannelSecrets): { secretCiphertext: string | null; secretKeyId: string | null } {
    const sealed = sealSecrets(this.deps.keyring, secrets);
    return { secretCiphertext: sealed?.envelope ?? null, secretKeyId: sealed?.keyId ?? null };
  }

  private open(row: Pick<AlertChannel, 'secretCiphertext' | 'name'>): AlertChannelSecrets {
    try {
      return openSecrets(this.deps.keyring, row.secretCiphertext);
    } catch (err) {
      throw new TowerError('INTERNAL', `the secrets of alert channel "${row.name}" cannot be decrypted: ${(err as Error).message}`);
    }
  }

  private view(row: AlertChannel): AlertChannelView {
    const secretFields = row.secretCiphertext ? Object.keys(this.open(row)).sort() : [];
    const type = row.type as AlertChannelType;
    return {
      id: row.id,
      name: row.name,
      type,
      config: row.config as AlertChannelConfig,
      secretFields: secretFields.filter((f) => (ALERT_CHANNEL_DEFINITIONS[type].secrets as readonly string[]).includes(f)),
      keyId: row.secretCiphertext ? envelopeKeyId(row.secretCiphertext) : null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

import { z } from 'zod';
import { badInput, TowerError } from '../errors.js';
import { ID_PATTERN } from '../spec/schema.js';

const host = z.string().min(1).max(500);
const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const headerMap = z.record(z.string().min(1).max(200), z.string().max(8000));

type FieldErrors = Array<{ path: string; message: string }>;

/**
 * What core knows of a connection type. `config` is stored as JSON and returned by the API;
 * `secrets` are encrypted at rest and write-only (the API only says which are set); a set
 * `passwordFields` member makes `hasPassword` true; `completeness` holds the cross-field rules
 * once config and secrets are merged. The tester (I/O) lives in packages/operators, keyed by
 * ConnectionType so that a type without one does not compile.
 */
interface ConnectionTypeDefinition {
  readonly config: z.ZodType;
  readonly secrets: readonly string[];
  readonly passwordFields: readonly string[];
  readonly completeness?: (config: ConnectionConfig, secrets: ConnectionSecrets) => FieldErrors;
}

export const CONNECTION_TYPE_DEFINITIONS = {
  s3: {
    config: z.strictObject({
      region: z.string().min(1).max(64).default('us-east-1'),
      endpoint: url.optional(),
      forcePathStyle: z.boolean().optional(),
      accessKeyId: z.string().min(1).max(256).optional(),
      bucket: z.string().min(3).max(63).optional(),
    }),
    secrets: ['secretAccessKey', 'sessionToken'],
    passwordFields: ['secretAccessKey'],
    completeness: (config, secrets) =>
      (config.accessKeyId === undefined) !== (secrets.secretAccessKey === undefined)
        ? [
            {
              path: config.accessKeyId === undefined ? 'config.accessKeyId' : 'secrets.secretAccessKey',
              message: 'accessKeyId and secretAccessKey go together',
            },
          ]
        : [],
  },
  snowflake: {
    config: z.strictObject({
      account: z.string().min(1).max(255),
      user: z.string().min(1).max(255),
      role: z.string().min(1).max(255).optional(),
      warehouse: z.string().min(1).max(255).optional(),
      database: z.string().min(1).max(255).optional(),
      schema: z.string().min(1).max(255).optional(),
      accessUrl: url.optional(),
    }),
    secrets: ['password', 'privateKey', 'privateKeyPassphrase'],
    passwordFields: ['password', 'privateKey'],
    completeness: (_config, secrets) =>
      secrets.password === undefined && secrets.privateKey === undefined
        ? [{ path: 'secrets.password', message: 'a snowflake connection needs a password or a privateKey' }]
        : [],
  },
  http: {
    config: z.strictObject({
      baseUrl: url,
      headers: headerMap.optional(),
      username: z.string().min(1).max(255).optional(),
    }),
    secrets: ['password', 'bearerToken', 'signingSecret'],
    passwordFields: ['password', 'bearerToken'],
  },
  smtp: {
    config: z.strictObject({
      host,
      port: z.number().int().min(1).max(65535).default(587),
      secure: z.boolean().optional(),
      username: z.string().min(1).max(255).optional(),
      from: z.string().min(3).max(320),
      to: z.array(z.string().min(3).max(320)).max(100).optional(),
    }),
    secrets: ['password'],
    passwordFields: ['password'],
    completeness: (config, secrets) =>
      secrets.password !== undefined && config.username === undefined ? [{ path: 'config.username', message: 'an SMTP password needs a username' }] : [],
  },
} as const satisfies Record<string, ConnectionTypeDefinition>;

export type ConnectionType = keyof typeof CONNECTION_TYPE_DEFINITIONS;
export const CONNECTION_TYPES = Object.keys(CONNECTION_TYPE_DEFINITIONS) as readonly ConnectionType[];

const secret = z.string().min(1).max(16_384);

/** Secret fields per type. Absent in an update = keep; null = remove. */
export const SECRET_FIELDS = Object.fromEntries(CONNECTION_TYPES.map((t) => [t, CONNECTION_TYPE_DEFINITIONS[t].secrets])) as {
  readonly [C in ConnectionType]: (typeof CONNECTION_TYPE_DEFINITIONS)[C]['secrets'];
};

/** The secret fields that count as "a password is set" (`hasPassword` in the API). */
export const PASSWORD_FIELDS: ReadonlySet<string> = new Set(CONNECTION_TYPES.flatMap((t) => CONNECTION_TYPE_DEFINITIONS[t].passwordFields));

export type ConnectionConfig = Record<string, unknown>;
export type ConnectionSecrets = Record<string, string>;

export function isConnectionType(value: unknown): value is ConnectionType {
  return typeof value === 'string' && (CONNECTION_TYPES as readonly string[]).includes(value);
}

function issuePath(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map(String)].join('.');
}

function toInputError(prefix: string, error: z.ZodError): TowerError {
  const errors = error.issues.map((i) => ({ path: issuePath(prefix, i.path), message: i.message }));
  return badInput(`invalid connection: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors[0]?.path, { errors });
}

/** Checks a connection's type and id; throws BAD_USER_INPUT with a path. */
export function parseConnectionIdentity(connId: unknown, type: unknown): { connId: string; type: ConnectionType } {
  if (typeof connId !== 'string' || !ID_PATTERN.test(connId)) throw badInput('connId must match [a-zA-Z0-9_.-]{1,200}', 'connId');
  if (!isConnectionType(type)) throw badInput(`type must be one of ${CONNECTION_TYPES.join(', ')}`, 'type');
  return { connId, type };
}

/** Validates and normalises a connection's non-secret config for its type. */
export function parseConnectionConfig(type: ConnectionType, config: unknown): ConnectionConfig {
  const result = CONNECTION_TYPE_DEFINITIONS[type].config.safeParse(config ?? {});
  if (!result.success) throw toInputError('config', result.error);
  return result.data as ConnectionConfig;
}

/**
 * Applies a secrets patch to the current secrets: a string sets a field, null removes it, an
 * absent field is kept. Unknown fields are refused (a typo must not silently store nothing).
 */
export function mergeConnectionSecrets(type: ConnectionType, current: ConnectionSecrets, patch: unknown): ConnectionSecrets {
  if (patch === undefined || patch === null) return { ...current };
  if (typeof patch !== 'object' || Array.isArray(patch)) throw badInput('secrets must be an object', 'secrets');
  const allowed: readonly string[] = SECRET_FIELDS[type];
  const next: ConnectionSecrets = { ...current };
  for (const [field, value] of Object.entries(patch as Record<string, unknown>)) {
    if (!allowed.includes(field)) throw badInput(`unknown secret field "${field}" for a ${type} connection (known: ${allowed.join(', ')})`, `secrets.${field}`);
    if (value === null) {
      delete next[field];
      continue;
    }
    const parsed = secret.safeParse(value);
    if (!parsed.success) throw badInput('a secret must be a non-empty string of at most 16 KiB', `secrets.${field}`);
    next[field] = parsed.data;
  }
  return next;
}

/** Cross-field rules a connection must satisfy once config and secrets are merged. */
export function connectionCompletenessErrors(type: ConnectionType, config: ConnectionConfig, secrets: ConnectionSecrets): FieldErrors {
  const def: ConnectionTypeDefinition = CONNECTION_TYPE_DEFINITIONS[type];
  return def.completeness?.(config, secrets) ?? [];
}

export function assertConnectionComplete(type: ConnectionType, config: ConnectionConfig, secrets: ConnectionSecrets): void {
  const errors = connectionCompletenessErrors(type, config, secrets);
  if (errors.length > 0) throw badInput(`invalid connection: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors[0].path, { errors });
}

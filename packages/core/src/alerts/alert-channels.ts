import { z } from 'zod';
import { badInput } from '../errors.js';
import { ID_PATTERN } from '../spec/schema.js';

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const secret = z.string().min(1).max(4096);

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/**
 * The alert channel types: their non-secret `config` (returned by the API) and their secret fields
 * (sealed at rest, write-only: the API only says which are set), with the ones that must be set.
 */
export const ALERT_CHANNEL_DEFINITIONS = {
  WEBHOOK: {
    config: z.strictObject({
      url: httpUrl,
      headers: z
        .record(
          z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,200}$/, 'must be an HTTP header name'),
          z
            .string()
            .max(4000)
            .regex(/^[^\r\n]*$/, 'must be one line'),
        )
        .optional(),
    }),
    secrets: ['signingSecret'],
    requiredSecrets: ['signingSecret'],
  },
  SLACK: {
    config: z.strictObject({}),
    secrets: ['webhookUrl'],
    requiredSecrets: ['webhookUrl'],
  },
  EMAIL: {
    config: z.strictObject({
      /** The tenant's smtp connection (its connId). */
      connection: z.string().regex(ID_PATTERN, 'must be a connection id'),
      /** Recipients; the connection's `to` when empty. */
      to: z.array(z.email()).max(100).default([]),
    }),
    secrets: [],
    requiredSecrets: [],
  },
  PAGERDUTY: {
    config: z.strictObject({
      /** The Events API v2 endpoint (a PagerDuty-compatible receiver may be set here). */
      eventsUrl: httpUrl.default(PAGERDUTY_EVENTS_URL),
    }),
    secrets: ['routingKey'],
    requiredSecrets: ['routingKey'],
  },
} as const satisfies Record<string, { config: z.ZodType; secrets: readonly string[]; requiredSecrets: readonly string[] }>;

export type AlertChannelType = keyof typeof ALERT_CHANNEL_DEFINITIONS;
export const ALERT_CHANNEL_TYPES = Object.keys(ALERT_CHANNEL_DEFINITIONS) as AlertChannelType[];
export type AlertChannelConfig = Record<string, unknown>;
export type AlertChannelSecrets = Record<string, string>;

export function isAlertChannelType(value: unknown): value is AlertChannelType {
  return typeof value === 'string' && (ALERT_CHANNEL_TYPES as string[]).includes(value);
}

function fail(prefix: string, error: z.ZodError): never {
  const errors = error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message }));
  throw badInput(`invalid alert channel: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors[0]?.path, { errors });
}

export function parseAlertChannelType(value: unknown): AlertChannelType {
  if (!isAlertChannelType(value)) throw badInput(`type must be one of ${ALERT_CHANNEL_TYPES.join(', ')}`, 'type');
  return value;
}

export function parseAlertChannelName(value: unknown): string {
  const parsed = z.string().trim().min(1).max(200).safeParse(value);
  if (!parsed.success) fail('name', parsed.error);
  return parsed.data;
}

export function parseAlertChannelConfig(type: AlertChannelType, config: unknown): AlertChannelConfig {
  const parsed = ALERT_CHANNEL_DEFINITIONS[type].config.safeParse(config ?? {});
  if (!parsed.success) fail('config', parsed.error);
  return parsed.data as AlertChannelConfig;
}

/**
 * Applies a secrets patch (a string sets a field, null removes it, absent keeps it) and checks the
 * result: only the type's fields, the required ones set; a Slack webhook URL must be http(s).
 */
export function mergeAlertChannelSecrets(type: AlertChannelType, current: AlertChannelSecrets, patch: unknown): AlertChannelSecrets {
  const def = ALERT_CHANNEL_DEFINITIONS[type];
  const allowed = def.secrets as readonly string[];
  const parsed = z
    .record(z.string(), secret.nullable())
    .optional()
    .safeParse(patch ?? undefined);
  if (!parsed.success) fail('secrets', parsed.error);
  const next = { ...current };
  for (const [field, value] of Object.entries(parsed.data ?? {})) {
    if (!allowed.includes(field)) {
      throw badInput(`${type} channels have no secret "${field}" (${allowed.length ? allowed.join(', ') : 'none'})`, `secrets.${field}`);
    }
    if (value === null) delete next[field];
    else next[field] = value;
  }
  for (const field of def.requiredSecrets as readonly string[]) {
    if (!next[field]) throw badInput(`a ${type} channel needs secrets.${field}`, `secrets.${field}`);
  }
  if (type === 'SLACK' && !httpUrl.safeParse(next.webhookUrl).success) throw badInput('secrets.webhookUrl must be an http(s) URL', 'secrets.webhookUrl');
  return next;
}

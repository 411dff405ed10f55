import { isTowerError } from '@tower/core';

// Argument names whose values never reach the audit log, at any depth.
const SECRET_KEY = /pass(word)?|secret|token|private.?key|authorization|credential|api.?key$|access.?key/i;
const MAX_STRING = 500;
const MAX_DEPTH = 4;
const MAX_ITEMS = 50;

/**
 * What of a mutation's arguments goes into the audit log: ids, names, flags and small values —
 * never a secret, and a DAG spec only by its dagId (the spec itself is versioned elsewhere).
 */
export function auditArgs(args: Record<string, unknown>): Record<string, unknown> {
  return sanitizeObject(args, 0);
}

function sanitizeObject(obj: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    if (SECRET_KEY.test(key)) {
      out[key] = '[redacted]';
      continue;
    }
    if (key === 'spec' && value && typeof value === 'object' && !Array.isArray(value)) {
      out.spec = { dagId: (value as { dagId?: unknown }).dagId ?? null };
      continue;
    }
    out[key] = sanitizeValue(value, depth + 1);
  }
  return out;
}

function sanitizeValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (depth > MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => sanitizeValue(v, depth + 1));
  if (typeof value === 'object') return sanitizeObject(value as Record<string, unknown>, depth);
  return String(value);
}

/** The error code of a failed mutation, as clients saw it (domain code, or INTERNAL). */
export function auditOutcome(error: unknown): string {
  if (error === undefined) return 'ok';
  return isTowerError(error) ? error.code : 'INTERNAL';
}

// Payloads whose own id is that of another type's object.
const PAYLOAD_TARGET: Record<string, string> = { DeleteDagPayload: 'Dag' };

/**
 * What a mutation acted on, from its result: the API key of a CreateApiKeyPayload, the invitation of
 * an InviteMemberPayload, the user of an AuthPayload or a Member (whose membership changed), or the
 * returned object itself.
 */
export function auditTarget(result: unknown, returnType: string | undefined): { targetType: string | null; targetId: string | null } {
  const r = result as { id?: unknown; apiKey?: { id?: unknown }; invitation?: { id?: unknown }; user?: { id?: unknown } } | null | undefined;
  if (r?.apiKey?.id) return { targetType: 'ApiKey', targetId: String(r.apiKey.id) };
  if (r?.invitation?.id) return { targetType: 'Invitation', targetId: String(r.invitation.id) };
  if (r?.user?.id) return { targetType: 'User', targetId: String(r.user.id) };
  if (r?.id !== undefined && r?.id !== null) return { targetType: (returnType && PAYLOAD_TARGET[returnType]) ?? returnType ?? null, targetId: String(r.id) };
  return { targetType: null, targetId: null };
}

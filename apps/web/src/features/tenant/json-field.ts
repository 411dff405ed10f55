/** Parses a JSON-object textarea; empty text is "nothing given". */
export function parseJsonObject(text: string, label: string): { ok: true; value: Record<string, unknown> | undefined } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { ok: false, error: `${label} must be a JSON object, e.g. {"baseUrl": "https://…"}.` };
    return { ok: true, value: value as Record<string, unknown> };
  } catch (err) {
    return { ok: false, error: `${label} is not valid JSON: ${(err as Error).message}` };
  }
}

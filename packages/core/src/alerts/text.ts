/**
 * `text` cut to at most `max` characters, an ellipsis marking the cut. Cuts by code points, so a
 * character outside the BMP is never split in half: a lone surrogate is not valid JSON for Postgres
 * (jsonb refuses it) nor well-formed for a receiver.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

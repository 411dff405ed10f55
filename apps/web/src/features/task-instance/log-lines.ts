/** Pure helpers of the log view: merging live batches, search, first error, the download text. */
import type { LogLineFieldsFragment } from '@/lib/graphql/generated/graphql';

/** One log line as `taskLog` and `taskLogAppended` return it (generated from their shared fragment). */
export type LogLine = LogLineFieldsFragment;

/** Appends lines not seen yet (a batch may overlap what the initial read returned), in id order. */
export function appendLines(current: LogLine[], batch: LogLine[], seen: Set<string>): LogLine[] {
  const fresh = batch.filter((l) => !seen.has(l.id));
  if (fresh.length === 0) return current;
  for (const l of fresh) seen.add(l.id);
  const merged = current.concat(fresh);
  // Ids are increasing per task instance; a batch out of order is rare, so sort only then.
  const last = current.length ? BigInt(current[current.length - 1].id) : -1n;
  return BigInt(fresh[0].id) > last ? merged : merged.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

export const isErrorLevel = (level: string) => /^(error|fatal|critical)$/i.test(level);

export function firstErrorIndex(lines: LogLine[]): number {
  return lines.findIndex((l) => isErrorLevel(l.level));
}

/** Indexes of lines whose message contains the query (case-insensitive); all lines for an empty query. */
export function matchingIndexes(lines: LogLine[], query: string): number[] | null {
  const q = query.trim().toLowerCase();
  if (!q) return null;
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].message.toLowerCase().includes(q)) out.push(i);
  return out;
}

export function logText(lines: LogLine[]): string {
  return lines.map((l) => `${l.ts} ${l.level.toUpperCase().padEnd(5)} ${l.message}`).join('\n') + (lines.length ? '\n' : '');
}

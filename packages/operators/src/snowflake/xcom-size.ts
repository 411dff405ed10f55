/** XComs are capped at 64 KiB (docs/semantics.md, XCom and logs); operators keep a margin for the rest of the value. */
export const XCOM_ROWS_BUDGET = 48 * 1024;

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** The longest prefix of `rows` whose JSON fits in `budget` bytes, and whether rows were dropped. */
export function fitRows<T>(rows: readonly T[], budget = XCOM_ROWS_BUDGET): { rows: T[]; truncated: boolean } {
  let size = 2;
  const out: T[] = [];
  for (const row of rows) {
    size += jsonBytes(row) + 1;
    if (size > budget) return { rows: out, truncated: true };
    out.push(row);
  }
  return { rows: out, truncated: false };
}

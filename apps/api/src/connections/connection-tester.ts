import type { ResolvedConnectionRecord } from '@tower/engine';
import { CONNECTION_TESTERS, type ConnectionTestOutcome } from '@tower/operators';

/** Really connects with the connection's settings (the type's tester), bounded by a timeout. */
export async function testConnection(conn: ResolvedConnectionRecord, timeoutMs = 15_000): Promise<ConnectionTestOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ConnectionTestOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: `no answer within ${timeoutMs / 1000}s` }), timeoutMs);
  });
  try {
    return await Promise.race([CONNECTION_TESTERS[conn.type](conn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

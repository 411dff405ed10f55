import type { Session } from '../session/session.js';

/**
 * Runs `work` atomically: inside the client's open transaction if there is one (the work then
 * commits or rolls back with it), otherwise in a transaction of its own. The session tracks
 * BEGIN/COMMIT itself because probing DuckDB with a nested BEGIN would abort the open transaction.
 */
export async function atomically<T>(session: Session, work: () => Promise<T>): Promise<T> {
  if (session.inTransaction) return work();
  await session.conn.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await session.conn.run('COMMIT');
    return result;
  } catch (err) {
    await session.conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

import { GroupCommit, sqlLiteral, sqlOf, type DagRun, type Sql, type SqlTx } from '@tower/db';
import type { EngineDeps } from './deps.js';
import { compareIds } from './lock-order.js';
import { insertRuns, runKey, type RunToInsert } from './run-insert.js';

/** A run to create: what its insert writes (run-insert.ts). */
export type NewRun = RunToInsert;

/**
 * Creating runs, each way named for its durability: `insertRun` commits on its own without
 * waiting for the WAL flush (group-committed with concurrent triggers), and its caller waits for
 * `durable()` before telling anyone the run exists; `insertRunsDurably` commits synchronously;
 * `insertRunIn` joins the caller's transaction, whose commit is the caller's.
 */
export class RunCreation {
  private readonly sql: Sql;

  constructor(private readonly deps: EngineDeps) {
    this.sql = sqlOf(deps.prisma);
  }

  /**
   * Inserts a run and its task instances in a transaction of its own that commits without waiting
   * for the WAL flush, so the run can start at once; null when the run (tenant, dag, logical date)
   * exists. A caller that tells anyone the run exists waits for `durable()` first (a trigger does).
   */
  insertRun(input: NewRun): Promise<DagRun | null> {
    return this.inserts.submit(input);
  }

  /**
   * Inserts a run and its task instances in the caller's transaction (a file trigger's dedupe row
   * and its run commit together; a backfill's runs commit with the backfill); null when it exists.
   */
  async insertRunIn(tx: SqlTx, input: NewRun): Promise<DagRun | null> {
    const [run] = await insertRuns(tx.query, [input], this.deps.clock());
    return run ?? null;
  }

  /**
   * Inserts many runs (a backfill's) in one statement and one synchronous commit: they are durable
   * when it returns. Runs that exist are skipped; the created ones are returned.
   */
  insertRunsDurably(inputs: readonly NewRun[]): Promise<DagRun[]> {
    // One statement commits on its own, synchronously (the pool's setting).
    return insertRuns(this.sql.query, inputs, this.deps.clock());
  }

  /**
   * Concurrent single inserts (API triggers) share one statement and one commit. Within a batch
   * the first input of a (tenant, dag, logical date) gets the run and a repeat gets null, as it
   * would one statement later.
   */
  private readonly inserts = new GroupCommit<NewRun, DagRun | null>(async (inputs) => {
    const now = this.deps.clock();
    const runs = await this.sql.transaction((tx) => insertRuns(tx.query, inputs, now), { asyncCommit: true });
    const created = new Map(runs.map((run) => [runKey(run), run]));
    return inputs.map((input) => {
      const key = runKey(input);
      const run = created.get(key) ?? null;
      created.delete(key);
      return run;
    });
  });

  /**
   * Whether a run this process inserted (asynchronously) is durable: true once it is flushed with
   * the WAL, false if it is gone — a database crash lost it before the flush. Concurrent callers
   * share one barrier (`Sql.flushed`): a synchronous commit of its own, which carries the earlier
   * asynchronous ones with it, and which looks for the runs in the same transaction, since after a
   * crash and recovery in between the barrier's flush would say nothing of them.
   */
  durable(runId: string): Promise<boolean> {
    return this.barriers.submit(runId);
  }

  private readonly barriers = new GroupCommit<string, boolean>(async (runIds) => {
    const ids = [...new Set(runIds)].sort(compareIds);
    const rows = await this.sql.flushed(`SELECT id::text AS id FROM "DagRun" WHERE id = ANY(ARRAY[${ids.map(sqlLiteral).join(', ')}]::uuid[])`);
    const present = new Set(rows.map((r) => r.id as string));
    return runIds.map((id) => present.has(id));
  });
}

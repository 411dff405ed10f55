import { runInScopeKey, scopeKey } from './row-security.js';

/**
 * Prisma's request batching, kept inside each caller's database scope (row-security.ts).
 *
 * Prisma batches the `findUnique`/`findUniqueOrThrow` calls made in one tick (and the statements
 * of an array `$transaction`): its request handler's DataLoader collects them and dispatches every
 * batch of the tick from one `process.nextTick`, scheduled by the tick's first caller. The batch,
 * and with it every other batch of that tick, then runs in the first caller's AsyncLocalStorage
 * context, so its statements carry that caller's scope: two requests' `findUnique`s in one tick ran
 * as one `WHERE id IN (…)` under one tenant's setting (the other tenant's row invisible: its caller
 * read null), and behind an `asSystem` lookup a tenant's `findUnique` ran as the login role, past
 * row-level security. Seen as a flaky "organisation of this token no longer exists" under load,
 * when two requests reached that lookup in the same tick; `row-security.int.test.ts` shows both.
 *
 * The fix keeps one DataLoader per scope (scopeKey: a tenant, the system, or none) for each tick:
 * a batch holds one scope's calls only, and it is dispatched from a context of that scope, entered
 * afresh (runInScopeKey) rather than borrowed from a request whose scope object may still change.
 * Calls Prisma never batches go to its own loader, in the caller's context, as before.
 *
 * This reaches into Prisma's runtime (`_requestHandler.dataloader`, a class taking its options);
 * written here because Prisma has no setting for it (its version is pinned). If an upgrade changes
 * that shape, createPrismaClient throws rather than run the API unguarded; if Prisma stops reading
 * the field, row-security.int.test.ts fails.
 */
interface PrismaDataLoader {
  options: { batchBy(request: unknown): string | undefined };
  request(request: unknown): Promise<unknown>;
  dispatchBatches(): void;
}
type DataLoaderClass = new (options: PrismaDataLoader['options']) => PrismaDataLoader;

export function batchWithinScopes(client: object): void {
  // Prisma's request handler calls `dataloader.request` and nothing else of it.
  const handler = (client as { _requestHandler?: { dataloader?: Pick<PrismaDataLoader, 'request'> } })._requestHandler;
  const shared = handler?.dataloader as PrismaDataLoader | undefined;
  if (
    !handler ||
    !shared ||
    typeof shared.request !== 'function' ||
    typeof shared.options?.batchBy !== 'function' ||
    typeof shared.dispatchBatches !== 'function'
  ) {
    throw new Error("Prisma's request batching is not where scoped-batching.ts expects it: review it for this Prisma version");
  }
  const Loader = shared.constructor as DataLoaderClass;
  // The loaders with batches waiting for this tick's dispatch, by scope; dropped once dispatched.
  const pending = new Map<string, PrismaDataLoader>();
  handler.dataloader = {
    request(request: unknown): Promise<unknown> {
      // Prisma's own test (`!key`): a call it would not batch goes straight through, as before.
      if (!shared.options.batchBy(request)) return shared.request(request);
      const key = scopeKey();
      const waiting = pending.get(key);
      // Its tick is scheduled already, from a context of this scope: joining it needs no scope.
      if (waiting) return waiting.request(request);
      const created = new Loader(shared.options);
      const dispatch = created.dispatchBatches.bind(created);
      created.dispatchBatches = () => {
        if (pending.get(key) === created) pending.delete(key);
        dispatch();
      };
      pending.set(key, created);
      // The first call schedules the loader's tick: in a context of the scope entered afresh.
      return runInScopeKey(key, () => created.request(request));
    },
  };
}

/** One client's requests: how many are in progress, and the turns of those waiting, oldest first. */
interface Line {
  active: number;
  waiting: (() => void)[];
}

/**
 * At most `inFlight` requests of one client (an address) in progress at once; its further requests
 * wait in arrival order, at most `maxWaiting` of them. Other clients' requests are never held
 * behind them, so a burst from one address shares the API's thread with everyone else's requests
 * instead of standing in front of them. In memory and per process: it shares out this process's
 * thread (the quotas that hold across replicas are RequestLimits', in Redis).
 *
 * Written here rather than taken from p-limit (a limiter per address): a client's line must be
 * dropped the moment its last request ends, or every address ever seen would stay in the map,
 * and p-limit's counts settle a microtask after its promises do.
 */
export class ClientGate {
  private readonly lines = new Map<string, Line>();

  constructor(
    private readonly inFlight: number,
    private readonly maxWaiting: number,
  ) {
    if (!(inFlight >= 1)) throw new Error('ClientGate needs inFlight >= 1');
  }

  /**
   * Calls `start` now when the client has fewer than `inFlight` requests in progress, else when its
   * turn comes; returns false without calling it when `maxWaiting` already wait. `start` is given
   * `done`, to call when the request has ended (more calls are ignored): the next in line starts.
   */
  admit(client: string, start: (done: () => void) => void): boolean {
    let line = this.lines.get(client);
    if (!line) this.lines.set(client, (line = { active: 0, waiting: [] }));
    const own = line;
    const run = () => {
      own.active++;
      let ended = false;
      start(() => {
        if (ended) return;
        ended = true;
        own.active--;
        const next = own.waiting.shift();
        if (next) next();
        else if (own.active === 0) this.lines.delete(client);
      });
    };
    if (own.active < this.inFlight) {
      run();
      return true;
    }
    if (own.waiting.length >= this.maxWaiting) return false;
    own.waiting.push(run);
    return true;
  }

  /** Requests waiting for their turn, over every client (a gauge). */
  get waiting(): number {
    let n = 0;
    for (const line of this.lines.values()) n += line.waiting.length;
    return n;
  }

  /** Clients with a request in progress or waiting (a test sees the map emptied). */
  get clients(): number {
    return this.lines.size;
  }
}

import { Worker } from 'node:worker_threads';

/** Node's scrypt options. */
export type ScryptParams = { N: number; r: number; p: number; maxmem: number };

/**
 * How much lower than the API's own threads the hashing threads run (added to the thread's nice
 * value on Linux, at most 19): when both want a core, the thread serving requests gets it first.
 */
export const HASH_THREAD_NICE = 10;

// Plain CommonJS, evaluated by the worker (no file to resolve from src/ under Jest or from dist/).
// Each thread first lowers its own priority: on Linux, /proc/thread-self names the thread's id and
// setpriority(2) on a thread id changes that thread alone. Elsewhere it keeps the process's priority.
export const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
let tid = null;
try {
  tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  const os = require('node:os');
  os.setPriority(tid, Math.min(19, os.getPriority(tid) + ${HASH_THREAD_NICE}));
} catch {}
parentPort.postMessage({ tid });
parentPort.on('message', ({ password, salt, keylen, params }) => {
  try {
    parentPort.postMessage({ hash: scryptSync(password, salt, keylen, params) });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message ? err.message : err) });
  }
});
`;

interface Job {
  password: string;
  salt: Buffer;
  keylen: number;
  params: ScryptParams;
  resolve: (hash: Buffer) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  /** The OS thread id, once the thread said it (Linux). */
  tid: number | null;
  job: Job | null;
}

/**
 * scrypt on at most `size` threads of their own, each at a lower priority (HASH_THREAD_NICE); more
 * hashes wait their turn in arrival order. libuv's pool (crypto.scrypt) would hash at the
 * priority of the thread serving requests, and on a 2-core box a burst of password checks then
 * halved that thread's share of the CPU. The threads start on first use and keep the process alive
 * only while they hash; a thread that dies is replaced (its hash fails).
 */
export class HashThreads {
  private readonly threads: Thread[] = [];
  private readonly queue: Job[] = [];

  /** `source`: the threads' script (a test gives one that fails in its own ways). */
  constructor(
    private readonly size: number,
    private readonly source: string = SOURCE,
  ) {
    if (!(size >= 1)) throw new Error('HashThreads needs at least one thread');
  }

  scrypt(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ password, salt, keylen, params, resolve, reject });
      this.pump();
    });
  }

  /** Hashes being computed now. */
  get activeCount(): number {
    return this.threads.filter((t) => t.job).length;
  }

  /** Hashes waiting for a thread. */
  get pendingCount(): number {
    return this.queue.length;
  }

  /** The OS ids of the running threads that reported one (a test reads their priority). */
  get threadIds(): number[] {
    return this.threads.flatMap((t) => (t.tid === null ? [] : [t.tid]));
  }

  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    const stopped = () => new Error('password hashing stopped');
    for (const thread of threads) thread.job?.reject(stopped());
    for (const job of this.queue.splice(0)) job.reject(stopped());
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length) {
      const thread = this.threads.find((t) => !t.job) ?? (this.threads.length < this.size ? this.spawn() : null);
      if (!thread) return;
      const job = this.queue.shift()!;
      thread.job = job;
      // A thread at work keeps the process alive until its hash is done; an idle one does not.
      thread.worker.ref();
      thread.worker.postMessage({ password: job.password, salt: job.salt, keylen: job.keylen, params: job.params });
    }
  }

  private spawn(): Thread {
    const thread: Thread = { worker: new Worker(this.source, { eval: true }), tid: null, job: null };
    thread.worker.unref();
    thread.worker.on('message', (msg: { tid?: number | null; hash?: Uint8Array; error?: string }) => {
      if ('tid' in msg) {
        thread.tid = msg.tid ?? null;
        return;
      }
      const job = thread.job;
      thread.job = null;
      thread.worker.unref();
      if (msg.hash) job?.resolve(Buffer.from(msg.hash.buffer, msg.hash.byteOffset, msg.hash.byteLength));
      else job?.reject(new Error(msg.error ?? 'scrypt failed'));
      this.pump();
    });
    const lost = (err: Error) => {
      const index = this.threads.indexOf(thread);
      if (index < 0) return;
      this.threads.splice(index, 1);
      thread.job?.reject(err);
      thread.job = null;
      this.pump();
    };
    thread.worker.on('error', lost);
    thread.worker.on('exit', (code) => lost(new Error(`password hashing thread exited (${code})`)));
    this.threads.push(thread);
    return thread;
  }
}

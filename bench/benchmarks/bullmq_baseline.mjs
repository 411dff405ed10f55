// 2. bullmq_baseline: raw BullMQ empty-job throughput on the same Redis, with the same worker
// layout as Tower's (processes x concurrency) and Tower's job options (custom job id, priority,
// removeOnComplete), under a prefix of its own. The queue is filled first (enqueue rate reported
// apart), then every worker starts at once: jobsPerSec is the consumer side, BullMQ's ceiling for
// Tower's workers. Ratio = Tower throughput / BullMQ throughput.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ROOT, sleep, workerLayout } from '../lib/stack.mjs';
import { round } from '../lib/util.mjs';

async function runCase(ctx, { jobs, opts, caseName, redisUrl }) {
  const { workers, concurrency } = workerLayout();
  const prefix = `bench-bullmq-${process.pid}-${Date.now().toString(36)}`;
  const queueName = 'tasks';
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection, prefix });
  const children = [];
  const counts = new Map();
  try {
    for (let i = 0; i < workers; i++) {
      const child = fork(path.join(ROOT, 'bench', 'lib', 'bullmq-worker.mjs'), [redisUrl, prefix, queueName, String(concurrency)], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const ready = new Promise((resolve, reject) => {
        child.on('message', (m) => {
          if (m.type === 'ready') resolve();
          if (m.type === 'count') counts.set(i, m);
          if (m.type === 'error') ctx.progress.note(`bullmq worker ${i}: ${m.message}`);
        });
        child.once('exit', (code) => reject(new Error(`bullmq worker exited with ${code}`)));
      });
      children.push(child);
      await ready;
    }
    const tAdd = Date.now();
    const payload = () => ({ tenantId: randomUUID(), dagRunId: randomUUID(), taskInstanceId: randomUUID(), tryNumber: 1 });
    for (let added = 0; added < jobs;) {
      const n = Math.min(500, jobs - added);
      await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'runTask', data: payload(), opts: opts(added + k) })));
      added += n;
    }
    const enqueueMs = Date.now() - tAdd;
    const t0 = Date.now();
    for (const c of children) c.send({ type: 'run' });
    const deadline = Date.now() + (ctx.smoke ? 30_000 : 300_000);
    for (;;) {
      const done = [...counts.values()].reduce((a, c) => a + c.completed, 0);
      ctx.progress.update(caseName, done, jobs);
      if (done >= jobs) break;
      if (Date.now() > deadline) throw new Error(`bullmq_baseline: timed out with ${done}/${jobs} jobs done`);
      await sleep(100);
    }
    const lastAt = Math.max(...[...counts.values()].map((c) => c.lastAt));
    const seconds = (lastAt - t0) / 1000;
    return {
      bench: 'bullmq_baseline',
      case: caseName,
      jobsPerSec: round(jobs / seconds, 1),
      jobs,
      seconds: round(seconds, 2),
      enqueueMs,
      enqueueJobsPerSec: round(jobs / (enqueueMs / 1000), 1),
      workers,
      workerConcurrency: concurrency,
    };
  } finally {
    for (const c of children) {
      if (c.exitCode === null) {
        c.send({ type: 'stop' });
        await new Promise((r) => {
          const t = setTimeout(() => (c.kill('SIGKILL'), r()), 10_000);
          c.once('exit', () => (clearTimeout(t), r()));
        });
      }
    }
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
  }
}

export default async function bullmqBaseline(ctx) {
  const jobs = ctx.size(20_000, 300);
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const out = [];
  // Tower's job options: custom id per try, priority (Tower always sets one), removeOnComplete/Fail.
  const towerOpts = (i) => ({ jobId: `ti_${i}_1`, priority: 999_999, removeOnComplete: true, removeOnFail: true, attempts: 1 });
  const fig = await runCase(ctx, { jobs, opts: towerOpts, caseName: 'empty_jobs_tower_opts', redisUrl });
  out.push(fig);
  ctx.emit(fig);
  // Plain FIFO jobs (no priority), for reference: what the prioritized set costs BullMQ.
  const plain = await runCase(ctx, { jobs, opts: () => ({ removeOnComplete: true, removeOnFail: true }), caseName: 'empty_jobs_plain', redisUrl });
  out.push(plain);
  ctx.emit(plain);

  const tower = ctx.shared.throughput ?? ctx.previous('throughput');
  if (tower?.length) {
    for (const t of tower) {
      const ratio = {
        bench: 'bullmq_baseline',
        case: `ratio_${t.case}`,
        towerTasksPerSec: t.tasksPerSec,
        bullmqJobsPerSec: fig.jobsPerSec,
        ratio: round(t.tasksPerSec / fig.jobsPerSec, 4),
        towerFigureFrom: ctx.shared.throughput ? 'this run' : 'bench/results/latest.json (earlier run)',
      };
      out.push(ratio);
      ctx.emit(ratio);
    }
  } else {
    ctx.progress.note(
      'no Tower throughput figure in this run or in bench/results/latest.json: ratio not computed (run `npm run bench -- throughput bullmq_baseline`)',
    );
  }
  return out;
}

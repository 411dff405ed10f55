// Child process for bullmq_baseline: one BullMQ Worker with an empty processor, reporting its
// completions to the parent over IPC. argv: redisUrl prefix queueName concurrency
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [redisUrl, prefix, queueName, concurrency] = process.argv.slice(2);
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
let completed = 0;
let lastAt = 0;
// autorun off: the parent fills the queue first, then starts every worker at once ('run').
const worker = new Worker(queueName, async () => undefined, { connection, prefix, concurrency: Number(concurrency), autorun: false });
worker.on('completed', () => {
  completed++;
  lastAt = Date.now();
});
worker.on('error', (err) => process.send?.({ type: 'error', message: String(err) }));
await worker.waitUntilReady();
process.send?.({ type: 'ready' });
const timer = setInterval(() => process.send?.({ type: 'count', completed, lastAt }), 100);
process.on('message', async (m) => {
  if (m?.type === 'run') {
    worker.run().catch((err) => process.send?.({ type: 'error', message: String(err) }));
    return;
  }
  if (m?.type !== 'stop') return;
  clearInterval(timer);
  process.send?.({ type: 'count', completed, lastAt });
  await worker.close();
  connection.disconnect();
  process.exit(0);
});

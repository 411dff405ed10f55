import { sleep, type Operator } from '../operator.js';

/** Does nothing, optionally for `durationMs`: for tests, benchmarks and joining branches. */
export const noopOperator: Operator<'noop'> = {
  type: 'noop',
  async execute(ctx) {
    const durationMs = typeof ctx.params.durationMs === 'number' ? ctx.params.durationMs : 0;
    if (durationMs > 0) await sleep(durationMs, ctx.signal);
    return undefined;
  },
};

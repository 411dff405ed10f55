import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
import { downstreamOf, findCycles, leafTaskIds, rootTaskIds, topologicalOrder, upstreamOf } from './graph.js';

// wait → extract → transform → load → checks → notify, plus audit ← extract, and notify ← audit
const spec = {
  tasks: [
    { taskId: 'wait', dependsOn: [] },
    { taskId: 'extract', dependsOn: ['wait'] },
    { taskId: 'transform', dependsOn: ['extract'] },
    { taskId: 'audit', dependsOn: ['extract'] },
    { taskId: 'load', dependsOn: ['transform'] },
    { taskId: 'checks', dependsOn: ['load'] },
    { taskId: 'notify', dependsOn: ['checks', 'audit'] },
    { taskId: 'island', dependsOn: [] },
  ],
};

describe('DAG graph helpers', () => {
  it('upstreamOf lists direct upstream tasks', () => {
    expect(upstreamOf(spec, 'notify')).toEqual(['checks', 'audit']);
    expect(upstreamOf(spec, 'wait')).toEqual([]);
  });
  it('downstreamOf lists direct or transitive downstream tasks in spec order', () => {
    expect(downstreamOf(spec, 'extract')).toEqual(['transform', 'audit']);
    expect(downstreamOf(spec, 'extract', true)).toEqual(['transform', 'audit', 'load', 'checks', 'notify']);
    expect(downstreamOf(spec, 'notify', true)).toEqual([]);
    expect(downstreamOf(spec, 'island', true)).toEqual([]);
  });
  it('throws NOT_FOUND for a task that is not in the DAG', () => {
    expect(() => upstreamOf(spec, 'ghost')).toThrow(TowerError);
    try {
      downstreamOf(spec, 'ghost', true);
    } catch (e) {
      expect((e as TowerError).code).toBe('NOT_FOUND');
      expect((e as TowerError).message).toBe('task "ghost" is not in this DAG');
    }
  });
  it('finds roots and leaves', () => {
    expect(rootTaskIds(spec)).toEqual(['wait', 'island']);
    expect(leafTaskIds(spec)).toEqual(['notify', 'island']);
  });
  it('orders tasks upstream first, keeping spec order among tasks that are ready together', () => {
    const order = topologicalOrder(spec);
    expect(order).toEqual(['wait', 'island', 'extract', 'transform', 'audit', 'load', 'checks', 'notify']);
    for (const t of spec.tasks) for (const d of t.dependsOn) expect(order.indexOf(d)).toBeLessThan(order.indexOf(t.taskId));
  });
  it('refuses to order a cyclic graph, naming the cycle', () => {
    const cyclic = {
      tasks: [
        { taskId: 'a', dependsOn: ['c'] },
        { taskId: 'b', dependsOn: ['a'] },
        { taskId: 'c', dependsOn: ['b'] },
      ],
    };
    expect(() => topologicalOrder(cyclic)).toThrow('cycle: a -> b -> c -> a');
  });
  it('handles a 2000-task chain without deep recursion', () => {
    const chain = { tasks: Array.from({ length: 2000 }, (_, i) => ({ taskId: `t${i}`, dependsOn: i ? [`t${i - 1}`] : [] })) };
    expect(topologicalOrder(chain)).toHaveLength(2000);
    expect(findCycles({ tasks: [...chain.tasks.slice(1), { taskId: 't0', dependsOn: ['t1999'] }] })[0]).toHaveLength(2001);
  });
});

describe('findCycles', () => {
  it('returns none for a DAG', () => {
    expect(findCycles(spec)).toEqual([]);
  });
  it('returns one closed cycle per strongly connected component, in run order', () => {
    const g = {
      tasks: [
        { taskId: 'x', dependsOn: [] },
        { taskId: 'a', dependsOn: ['b', 'x'] },
        { taskId: 'b', dependsOn: ['a'] },
        { taskId: 'self', dependsOn: ['self'] },
        { taskId: 'p', dependsOn: ['r'] },
        { taskId: 'q', dependsOn: ['p'] },
        { taskId: 'r', dependsOn: ['q', 'p'] },
      ],
    };
    expect(findCycles(g)).toEqual([
      ['a', 'b', 'a'],
      ['self', 'self'],
      ['p', 'r', 'p'],
    ]);
  });
  it('ignores dependencies on unknown tasks', () => {
    expect(findCycles({ tasks: [{ taskId: 'a', dependsOn: ['ghost'] }] })).toEqual([]);
  });
});

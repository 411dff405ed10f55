import { describe, expect, it } from '@jest/globals';
import { columnList, DAG_RUN_COLUMNS, dagRunFromJson, TASK_INSTANCE_COLUMNS, taskInstanceFromJson } from './columns.js';
import { Prisma } from './generated/prisma/client.js';

describe('column lists derived from the Prisma models', () => {
  it('list exactly the scalar fields of DagRun and TaskInstance, in the schema order', () => {
    expect(Object.keys(DAG_RUN_COLUMNS)).toEqual(Object.values(Prisma.DagRunScalarFieldEnum));
    expect(Object.keys(TASK_INSTANCE_COLUMNS)).toEqual(Object.values(Prisma.TaskInstanceScalarFieldEnum));
  });

  it('render a column list, optionally qualified', () => {
    expect(columnList({ a: 'value', b: 'date' })).toBe('"a", "b"');
    expect(columnList({ a: 'value', b: 'date' }, 'r')).toBe('r."a", r."b"');
  });

  it('revive the date columns of a row read as JSON, and only those', () => {
    const run = dagRunFromJson({
      id: 'x',
      runId: '2026-01-01T00:00:00Z',
      logicalDate: '2026-01-01T00:00:00.000Z',
      startedAt: null,
      params: { at: '2026-01-02' },
    });
    expect(run.logicalDate).toEqual(new Date('2026-01-01T00:00:00.000Z'));
    expect(run.startedAt).toBeNull();
    expect(run.runId).toBe('2026-01-01T00:00:00Z');
    expect(run.params).toEqual({ at: '2026-01-02' });
    const ti = taskInstanceFromJson({ id: 'y', heartbeatAt: '2026-01-01T00:00:01.000Z', workerId: 'w' });
    expect(ti.heartbeatAt).toEqual(new Date('2026-01-01T00:00:01.000Z'));
    expect(ti.workerId).toBe('w');
  });
});

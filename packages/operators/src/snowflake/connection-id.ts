import { OperatorError, type OperatorContext } from '../operator.js';

/** The Snowflake connection of a task: `with.connection`, else the task-level `connection`. */
export function snowflakeConnectionId(ctx: Pick<OperatorContext, 'defaultConnection' | 'taskId'>, fromWith: unknown): string {
  const id = typeof fromWith === 'string' && fromWith ? fromWith : ctx.defaultConnection;
  if (!id) throw new OperatorError(`task ${ctx.taskId} names no Snowflake connection: set connection (task) or with.connection`, false);
  return id;
}

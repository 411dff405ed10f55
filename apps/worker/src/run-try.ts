import { buildTemplateContext, renderTemplates, TowerError } from '@tower/core';
import { TryLogger, XCOM_MAX_BYTES, type Engine, type StartedTry, type TryOutcome } from '@tower/engine';
import { OperatorError, operatorFor, RescheduleTry, SensorTimeout, SkipTask, type TriggerObject } from '@tower/operators';

/** The object a file-triggered run was started for (`params.s3_object`), when well-formed. */
function triggerObjectOf(params: Record<string, unknown>): TriggerObject | undefined {
  const o = params.s3_object as Partial<TriggerObject> | undefined;
  if (!o || typeof o !== 'object' || typeof o.bucket !== 'string' || typeof o.key !== 'string') return undefined;
  return { connection: String(o.connection ?? ''), bucket: o.bucket, key: o.key, etag: String(o.etag ?? ''), size: Number(o.size ?? 0) };
}

class TryTimeout extends Error {
  constructor(seconds: number) {
    super(`try exceeded executionTimeoutSeconds (${seconds}s)`);
    this.name = 'TryTimeout';
  }
}

/**
 * Runs one claimed try: renders the task's templates, executes its operator under the execution
 * timeout, keeps the log, and decides the outcome. Never throws: every failure is an outcome.
 */
export async function runTry(engine: Engine, started: StartedTry, controller: AbortController): Promise<TryOutcome> {
  // `controller` is the try's own: aborted from outside (the worker shuts down, or the instance was
  // cleared, marked or canceled) or by the execution timeout below. One controller per try: an
  // AbortSignal costs tens of microseconds to create, which a no-op task notices.
  const { ti, run, task, tryNumber } = started;
  const logger = new TryLogger(engine.deps, ti.tenantId, ti.id, tryNumber);
  let timer: NodeJS.Timeout | undefined;
  const xcom: Record<string, unknown> = {};
  /** The `with` as rendered for this try, kept on its TaskTry row (shown in the web's task view). */
  let renderedWith: Record<string, unknown> | null = null;

  // A rescheduled sensor keeps the start of its first poke: its timeout spans all reschedules.
  const sensorStartedAt = ti.rescheduleCount > 0 && ti.sensorStartedAt ? ti.sensorStartedAt : (ti.startedAt ?? new Date());
  logger.log(
    'info',
    ti.rescheduleCount > 0
      ? `Poke ${ti.rescheduleCount + 1} of try ${tryNumber} for ${run.dagId}.${task.taskId} (${task.type}), run ${run.runId}`
      : `Starting try ${tryNumber} of ${ti.maxTries} for ${run.dagId}.${task.taskId} (${task.type}), run ${run.runId}`,
  );
  try {
    const ctx = buildTemplateContext({
      dagId: run.dagId,
      taskId: task.taskId,
      runId: run.runId,
      logicalDate: run.logicalDate,
      dataIntervalStart: run.dataIntervalStart,
      dataIntervalEnd: run.dataIntervalEnd,
      params: (run.params ?? {}) as Record<string, unknown>,
      xcom: started.xcom,
    });
    const params = renderTemplates(task.with, ctx) as Record<string, unknown>;
    renderedWith = params;
    const operator = operatorFor(task.type);
    const runParams = (run.params ?? {}) as Record<string, unknown>;
    const triggerObject = triggerObjectOf(runParams);
    const execution = operator.execute({
      tenantId: ti.tenantId,
      dagId: run.dagId,
      taskId: task.taskId,
      runId: run.runId,
      tryNumber,
      logicalDate: run.logicalDate,
      params,
      runParams,
      ...(triggerObject ? { triggerObject } : {}),
      upstream: task.dependsOn,
      upstreamStates: started.upstreamStates,
      xcom: started.xcom,
      ...(task.connection ? { defaultConnection: task.connection } : {}),
      // Tenant-scoped by construction: the lookup is keyed by this try's tenant.
      connection: async (connId, type) => {
        const conn = await engine.connections.resolve(ti.tenantId, connId, type);
        return { connId: conn.connId, type: conn.type, config: conn.config, secrets: conn.secrets };
      },
      sensorStartedAt,
      rescheduleCount: ti.rescheduleCount,
      signal: controller.signal,
      log: (level, message) => logger.log(level, message),
      xcomPush: (key, value) => {
        xcom[key] = value;
      },
    });
    const timeout = task.executionTimeoutSeconds
      ? new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const err = new TryTimeout(task.executionTimeoutSeconds!);
            controller.abort(err);
            reject(err);
          }, task.executionTimeoutSeconds! * 1000);
        })
      : null;
    const stopReason = () => (controller.signal.reason instanceof Error ? controller.signal.reason : new OperatorError('the try was stopped'));
    const stopped = controller.signal.aborted
      ? Promise.reject(stopReason())
      : new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(stopReason()), { once: true }));
    const result = await Promise.race([execution, stopped, ...(timeout ? [timeout] : [])]);
    if (result !== undefined) xcom.return_value = result;
    for (const [key, value] of Object.entries(xcom)) {
      const size = Buffer.byteLength(JSON.stringify(value) ?? 'null');
      if (size > XCOM_MAX_BYTES) {
        throw new OperatorError(`XCom ${key} is ${size} bytes, over the 64 KiB limit: write large data to S3 and push its key`, false);
      }
    }
    logger.log('info', `Try ${tryNumber} succeeded`);
    return { kind: 'success', xcom, renderedWith };
  } catch (err) {
    if (err instanceof RescheduleTry && !controller.signal.aborted) {
      logger.log('info', `${err.message}; rescheduled to ${err.at.toISOString()} (the worker slot is free until then)`);
      return { kind: 'reschedule', at: err.at, sensorStartedAt, renderedWith };
    }
    if (err instanceof SkipTask && !controller.signal.aborted) {
      logger.log('warn', `Skipped: ${err.message}`);
      return { kind: 'skipped', reason: err.message, renderedWith };
    }
    // A sensor's own timeout and the execution timeout are both timeouts; only the first is final.
    const timedOut = err instanceof TryTimeout || err instanceof SensorTimeout;
    const retryable = !(err instanceof OperatorError && !err.retryable) && !(err instanceof TowerError);
    const message = err instanceof Error ? err.message : String(err);
    logger.log('error', `Try ${tryNumber} failed: ${message}`);
    return { kind: 'failure', error: message, retryable, timedOut, renderedWith };
  } finally {
    if (timer) clearTimeout(timer);
    await logger.flush();
  }
}

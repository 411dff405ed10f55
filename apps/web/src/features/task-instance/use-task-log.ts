'use client';

/**
 * One try's log: read with `taskLog` in pages of 10,000 (the view opens on the first page, the rest
 * follows), then tailed live with `taskLogAppended` (subscribed before the read, so no line falls
 * between them; duplicates are dropped by id). Lines bypass the normalized cache, read and tailed
 * alike: a 100,000-line log is one array, not 100,000 entities.
 */
import { useEffect, useRef, useState } from 'react';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { toApiError, type ApiError } from '@/lib/graphql/errors';
import { TaskLogAppendedSubscription, TaskLogQuery } from '@/lib/graphql/operations-tasks';
import { appendLines, type LogLine } from './log-lines';

const LOG_PAGE = 10_000;

export function useTaskLog(taskInstanceId: string, tryNumber: number, live: boolean) {
  const { request, subscribe } = useGraphQL();
  const [lines, setLines] = useState<LogLine[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const seen = useRef(new Set<string>());

  useEffect(() => {
    let cancelled = false;
    seen.current = new Set();
    setLines([]);
    setLoaded(false);
    setError(null);
    const pending: LogLine[][] = [];
    let initialDone = false;
    const unsubscribe = live
      ? subscribe(
          TaskLogAppendedSubscription,
          { taskInstanceId, tryNumber },
          {
            next: ({ taskLogAppended }) => {
              if (!initialDone) pending.push(taskLogAppended);
              else setLines((prev) => appendLines(prev, taskLogAppended, seen.current));
            },
            error: (err) => console.warn('taskLogAppended ended:', err.code, err.message),
          },
          { cache: false },
        )
      : () => {};
    const readAll = async () => {
      let next: LogLine[] = [];
      let afterId: string | null = null;
      for (;;) {
        const taskLog: LogLine[] = (await request(TaskLogQuery, { taskInstanceId, tryNumber, afterId, first: LOG_PAGE })).taskLog;
        if (cancelled) return;
        next = appendLines(next, taskLog, seen.current);
        const done = taskLog.length < LOG_PAGE;
        if (done) {
          initialDone = true;
          for (const batch of pending) next = appendLines(next, batch, seen.current);
        }
        setLines(next);
        setLoaded(true);
        if (done) return;
        afterId = taskLog[taskLog.length - 1].id;
      }
    };
    readAll().catch((err) => {
      if (cancelled) return;
      initialDone = true;
      setError(toApiError(err));
      setLoaded(true);
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [taskInstanceId, tryNumber, live, request, subscribe]);

  return { lines, loaded, error };
}

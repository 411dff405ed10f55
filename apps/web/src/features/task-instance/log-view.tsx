'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ErrorBanner } from '@/components/error-banner';
import { Spinner } from '@/components/spinner';
import { useDisplayZone } from '@/lib/time/time-setting';
import { zonedParts } from '@/lib/time/zone';
import { firstErrorIndex, logText, matchingIndexes } from './log-lines';
import { useTaskLog } from './use-task-log';

const ROW_PX = 20;

/** A try's log, virtualised (only visible lines are in the DOM), live-tailed while the try runs. */
export function LogView({ taskInstanceId, tryNumber, live, fileName }: { taskInstanceId: string; tryNumber: number; live: boolean; fileName: string }) {
  const { lines, loaded, error } = useTaskLog(taskInstanceId, tryNumber, live);
  const zone = useDisplayZone();
  const [query, setQuery] = useState('');
  const [matchPos, setMatchPos] = useState(0);
  const [follow, setFollow] = useState(true);
  const scrollRef = useRef<HTMLDivElement>(null);
  const matches = useMemo(() => matchingIndexes(lines, query), [lines, query]);
  const matchSet = useMemo(() => (matches ? new Set(matches) : null), [matches]);
  const errorAt = useMemo(() => firstErrorIndex(lines), [lines]);

  const virtualizer = useVirtualizer({ count: lines.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_PX, overscan: 20 });

  useEffect(() => {
    if (follow && lines.length) virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [lines.length, follow, virtualizer]);

  function jump(index: number) {
    setFollow(false);
    virtualizer.scrollToIndex(index, { align: 'center' });
  }

  function download() {
    const url = URL.createObjectURL(new Blob([logText(lines)], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }

  return (
    <div className="log" data-testid="log-view" data-lines={lines.length} data-loaded={loaded}>
      <div className="log-toolbar">
        <label className="log-search">
          <span className="visually-hidden">Search the log</span>
          <input
            className="input input-sm"
            type="search"
            placeholder="Search the log"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setMatchPos(0);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && matches?.length) {
                const pos = (matchPos + (e.shiftKey ? matches.length - 1 : 1)) % matches.length;
                setMatchPos(pos);
                jump(matches[pos]);
              }
            }}
            data-testid="log-search"
          />
        </label>
        {matches ? (
          <span className="muted small" aria-live="polite" data-testid="log-matches">
            {matches.length ? `${Math.min(matchPos + 1, matches.length)} of ${matches.length} (Enter for next)` : 'no match'}
          </span>
        ) : null}
        <button type="button" className="btn btn-sm" disabled={errorAt < 0} onClick={() => jump(errorAt)} data-testid="log-first-error">
          First error
        </button>
        <label className="check small">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <button type="button" className="btn btn-sm" disabled={lines.length === 0} onClick={download} data-testid="log-download">
          Download
        </button>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      <div
        ref={scrollRef}
        className="log-scroll"
        tabIndex={0}
        role="log"
        aria-label={`Log of try ${tryNumber}`}
        onWheel={() => setFollow(false)}
        data-testid="log-scroll"
      >
        {!loaded ? (
          <Spinner label="Loading the log…" />
        ) : lines.length === 0 ? (
          <p className="muted log-empty">{live ? 'No log lines yet; they appear here as the try writes them.' : 'This try wrote no log lines.'}</p>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const l = lines[item.index];
              const hit = matchSet?.has(item.index);
              return (
                <div
                  key={l.id}
                  className={`log-line ${hit ? 'is-match' : ''}`}
                  data-level={l.level.toLowerCase()}
                  data-testid={`log-line-${item.index}`}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_PX }}
                >
                  <span className="log-ts">
                    {zonedParts(l.ts, zone)?.time ?? l.ts}
                    {l.ts.slice(19, 23)}
                  </span>
                  <span className="log-level">{l.level.toUpperCase()}</span>
                  <span className="log-msg">{l.message}</span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

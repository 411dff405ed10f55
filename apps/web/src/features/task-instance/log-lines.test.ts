import { describe, expect, it } from '@jest/globals';
import { appendLines, firstErrorIndex, logText, matchingIndexes, type LogLine } from './log-lines';

const line = (id: number, level = 'info', message = `line ${id}`): LogLine => ({
  id: String(id),
  ts: '2026-12-06T00:00:00.000Z',
  level,
  message,
  tryNumber: 1,
});

describe('log lines', () => {
  it('appends live batches without duplicating lines the first read already had, in id order', () => {
    const seen = new Set(['1', '2']);
    let lines = [line(1), line(2)];
    lines = appendLines(lines, [line(2), line(3)], seen);
    lines = appendLines(lines, [line(5)], seen);
    lines = appendLines(lines, [line(4)], seen);
    expect(lines.map((l) => l.id)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('finds the first error and the lines matching a search', () => {
    const lines = [line(1), line(2, 'warn', 'slow'), line(3, 'error', 'Boom: HTTP 500'), line(4, 'ERROR')];
    expect(firstErrorIndex(lines)).toBe(2);
    expect(matchingIndexes(lines, 'http 5')).toEqual([2]);
    expect(matchingIndexes(lines, '  ')).toBeNull();
  });

  it('writes the download as one line per log line', () => {
    expect(logText([line(1, 'error', 'x')])).toBe('2026-12-06T00:00:00.000Z ERROR x\n');
  });
});

// Reads PostgreSQL's autovacuum reports (`log_autovacuum_min_duration = 0`) out of a server log:
// one entry per automatic vacuum or analyze, with its table, end time, index scans and the CPU and
// wall time it took, so a benchmark can say which table's vacuums competed with the load.
import { readFileSync } from 'node:fs';

const HEAD = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) (\w+) \[\d+\] LOG:\s+automatic (vacuum|analyze) of table "(?:[^".]+\.)?(?:[^".]+\.)?([^"]+)"/;
const USAGE = /CPU: user: ([\d.]+) s, system: ([\d.]+) s, elapsed: ([\d.]+) s/;
const INDEX_SCANS = /index scans: (\d+)/;

/** Every autovacuum/autoanalyze report in `text`, in order. */
export function parseAutovacuumLog(text) {
  const entries = [];
  let current = null;
  for (const line of text.split('\n')) {
    const head = HEAD.exec(line);
    if (head) {
      current = { at: new Date(`${head[1].replace(' ', 'T')}Z`), kind: head[3], table: head[4], indexScans: 0, cpuS: 0, elapsedS: 0 };
      if (head[2] !== 'UTC') current.at = new Date(`${head[1]} ${head[2]}`);
      entries.push(current);
    } else if (!current || !/^\s/.test(line)) {
      current = null;
      continue;
    }
    const scans = INDEX_SCANS.exec(line);
    if (scans) current.indexScans = Number(scans[1]);
    const usage = USAGE.exec(line);
    if (usage) {
      current.cpuS = Number(usage[1]) + Number(usage[2]);
      current.elapsedS = Number(usage[3]);
    }
  }
  return entries;
}

/** Per table and kind, the reports that ended in [from, to): count, index scans, CPU and wall seconds (only `tables`' when given). */
export function summarizeAutovacuum(entries, from, to, tables) {
  const out = {};
  for (const e of entries) {
    if (e.at < from || e.at >= to || (tables && !tables.includes(e.table))) continue;
    const key = `${e.table} ${e.kind}`;
    const t = (out[key] ??= { count: 0, indexScans: 0, cpuS: 0, elapsedS: 0 });
    t.count += 1;
    t.indexScans += e.indexScans;
    t.cpuS = Math.round((t.cpuS + e.cpuS) * 100) / 100;
    t.elapsedS = Math.round((t.elapsedS + e.elapsedS) * 100) / 100;
  }
  return out;
}

export function readAutovacuumLog(logPath) {
  try {
    return parseAutovacuumLog(readFileSync(logPath, 'utf8'));
  } catch {
    return [];
  }
}

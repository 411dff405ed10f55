'use client';

import { QueryErrorBanner } from '@/components/error-banner';
import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { DateTimeText } from '@/components/date-time';
import { DagVersionsQuery } from '@/lib/graphql/operations';
import { lineDiff } from './line-diff';

const pretty = (spec: unknown) => JSON.stringify(spec, null, 2);

/** The DAG's spec versions, and the line diff between any two of them. */
export function SpecVersions({ dagId }: { dagId: string }) {
  const [{ data, fetching, error }] = useQuery({ query: DagVersionsQuery, variables: { dagId } });
  const versions = useMemo(() => data?.dagVersions ?? [], [data]);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const newest = versions[0]?.version ?? null;
  const toV = versions.find((v) => v.version === (to ?? newest));
  const fromV = versions.find((v) => v.version === (from ?? (toV ? toV.version - 1 : null))) ?? toV;
  const diff = useMemo(() => (fromV && toV ? lineDiff(pretty(fromV.spec), pretty(toV.spec)) : []), [fromV, toV]);

  if (fetching && !data) return <p className="muted">Loading versions…</p>;
  if (error) return <QueryErrorBanner error={error} />;
  if (!toV || !fromV) return <p className="muted">No versions.</p>;
  const pick = (value: number | undefined, set: (v: number) => void, label: string, testId: string) => (
    <label className="field">
      <span className="field-label">{label}</span>
      <select className="input input-sm" value={value} onChange={(e) => set(Number(e.target.value))} data-testid={testId}>
        {versions.map((v) => (
          <option key={v.id} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div data-testid="spec-versions">
      <div className="filters">
        {pick(fromV.version, setFrom, 'Compare', 'version-from')}
        {pick(toV.version, setTo, 'with', 'version-to')}
        <span className="muted small">
          v{toV.version} stored <DateTimeText value={toV.createdAt} />
        </span>
      </div>
      <pre className="code diff" data-testid="spec-diff" tabIndex={0} aria-label="Spec diff">
        {diff.map((l, i) => (
          <div key={i} className={`diff-${l.kind}`}>
            {l.kind === 'add' ? '+ ' : l.kind === 'del' ? '- ' : '  '}
            {l.text}
          </div>
        ))}
      </pre>
    </div>
  );
}

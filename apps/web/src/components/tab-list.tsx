'use client';

/** A row of `role="tab"` buttons (labels keyed by tab id); the caller renders the matching tabpanel. */
export function TabList<T extends string>({
  label,
  tabs,
  active,
  onSelect,
  testIdPrefix,
}: {
  label: string;
  tabs: Record<T, string>;
  active: T;
  onSelect: (tab: T) => void;
  testIdPrefix: string;
}) {
  return (
    <div className="tablist" role="tablist" aria-label={label}>
      {(Object.keys(tabs) as T[]).map((t) => (
        <button
          key={t}
          type="button"
          role="tab"
          aria-selected={active === t}
          className={`tab ${active === t ? 'is-active' : ''}`}
          onClick={() => onSelect(t)}
          data-testid={`${testIdPrefix}${t}`}
        >
          {tabs[t]}
        </button>
      ))}
    </div>
  );
}

export function Spinner({ label, size = 16 }: { label?: string; size?: number }) {
  return (
    <span className="spinner-wrap" role="status" aria-live="polite">
      <span className="spinner" style={{ width: size, height: size }} aria-hidden />
      {label ? <span className="spinner-label">{label}</span> : <span className="visually-hidden">Loading</span>}
    </span>
  );
}

export function TowerLogo({ size = 22 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" aria-hidden>
      <rect x="1" y="1" width="22" height="22" rx="6" fill="#5b5fd6" />
      <path d="M9 19h6l-1.2-8.5h-3.6L9 19Z" fill="#fff" />
      <rect x="8.5" y="7.5" width="7" height="3" rx="1" fill="#fff" />
      <path d="M6.5 6.5a7.5 7.5 0 0 1 11 0" stroke="#fff" strokeWidth="1.6" strokeLinecap="round" />
      <circle cx="12" cy="5" r="1.3" fill="#fff" />
    </svg>
  );
}

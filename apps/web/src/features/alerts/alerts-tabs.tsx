'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const TABS = [
  { href: '/alerts', label: 'Inbox', exact: true },
  { href: '/alerts/rules', label: 'Rules', exact: false },
  { href: '/alerts/channels', label: 'Channels', exact: false },
];

/** The Alerts section's own navigation (links: keyboard and history work as everywhere). */
export function AlertsTabs() {
  const pathname = usePathname();
  return (
    <nav className="alerts-tabs" aria-label="Alerts">
      {TABS.map((t) => {
        const active = t.exact ? pathname === t.href : pathname.startsWith(t.href);
        return (
          <Link
            key={t.href}
            href={t.href}
            className={`tab${active ? ' is-active' : ''}`}
            aria-current={active ? 'page' : undefined}
            data-testid={`alerts-tab-${t.label.toLowerCase()}`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}

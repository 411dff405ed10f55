'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { TenantSwitcher } from '@/features/tenant/tenant-switcher';
import { useViewer } from '@/lib/graphql/use-viewer';
import { signOut, type Session } from '@/lib/session/session-store';
import { TimeSettingSelect } from '@/lib/time/time-setting';
import { LiveIndicator } from './live-indicator';
import { TowerLogo } from './tower-logo';

export function AppHeader({ session }: { session: Session }) {
  const router = useRouter();
  const pathname = usePathname();
  // Confirms the session is still valid (UNAUTHENTICATED redirects) and fetches the role.
  const { viewer } = useViewer();

  const tenantName = viewer?.tenant.name ?? session.tenant?.name;
  const email = viewer?.user?.email ?? session.user?.email;

  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link href="/" className="brand" aria-label="Tower home">
          <TowerLogo />
          <span>Tower</span>
        </Link>
        <nav className="app-nav">
          <Link href="/" className={pathname === '/' || pathname.startsWith('/dags') ? 'active' : undefined}>
            DAGs
          </Link>
          <Link href="/alerts" className={pathname.startsWith('/alerts') ? 'active' : undefined}>
            Alerts
          </Link>
          <Link href="/connections" className={pathname.startsWith('/connections') ? 'active' : undefined}>
            Connections
          </Link>
          <Link href="/members" className={pathname.startsWith('/members') ? 'active' : undefined}>
            Members
          </Link>
          <Link href="/api-keys" className={pathname.startsWith('/api-keys') ? 'active' : undefined}>
            API keys
          </Link>
          <Link href="/audit" className={pathname.startsWith('/audit') ? 'active' : undefined}>
            Audit log
          </Link>
        </nav>
        <div className="app-header-spacer" />
        <TimeSettingSelect />
        <LiveIndicator />
        {viewer && viewer.memberships.length > 1 ? (
          <TenantSwitcher viewer={viewer} />
        ) : tenantName ? (
          <span className="tenant-chip" data-testid="tenant-name" title="Organisation">
            {tenantName}
          </span>
        ) : null}
        {email || viewer ? (
          <span className="user-chip" title={viewer ? `Role: ${viewer.role}` : undefined}>
            {email ?? 'API key'}
            {viewer ? (
              <span className="role-tag" data-testid="user-role">
                {viewer.role.toLowerCase()}
              </span>
            ) : null}
          </span>
        ) : null}
        <button type="button" className="btn btn-ghost-dark btn-sm" data-testid="signout" onClick={() => void signOut().then(() => router.replace('/login'))}>
          Sign out
        </button>
      </div>
    </header>
  );
}

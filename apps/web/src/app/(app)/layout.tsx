'use client';

import type { ReactNode } from 'react';
import { AppHeader } from '@/components/app-header';
import { RequireSession } from '@/lib/session/require-session';
import { TimeSettingProvider } from '@/lib/time/time-setting';

/** Every page of the signed-in app: session check (the API confirms the cookie), dark header. */
export default function SignedInLayout({ children }: { children: ReactNode }) {
  return (
    <RequireSession>
      {(session) => (
        <TimeSettingProvider>
          <div className="app">
            <AppHeader session={session} />
            {children}
          </div>
        </TimeSettingProvider>
      )}
    </RequireSession>
  );
}

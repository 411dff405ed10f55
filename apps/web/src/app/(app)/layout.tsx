'use client';

import type { ReactNode } from 'react';
import { AppHeader } from '@/components/app-header';
import { RequireSession } from '@/lib/session/require-session';

/** Every page of the signed-in app: session check, API bound to the token, dark header. */
export default function SignedInLayout({ children }: { children: ReactNode }) {
  return (
    <RequireSession>
      {(session) => (
        <div className="app">
          <AppHeader session={session} />
          {children}
        </div>
      )}
    </RequireSession>
  );
}

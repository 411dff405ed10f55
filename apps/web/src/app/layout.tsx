import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { RuntimeConfigProvider } from '@/lib/config/runtime-config';
import { readRuntimeConfig } from '@/lib/config/server-config';
import '@/styles/tokens.css';
import '@/styles/base.css';
import '@/styles/layout.css';
import '@/styles/features.css';
import '@/styles/actions.css';

export const metadata: Metadata = {
  title: { default: 'Tower', template: '%s · Tower' },
  description: 'Live monitoring of your data pipelines',
};

export const viewport: Viewport = { themeColor: '#0b1220' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Render per request so TOWER_API_URL is read from the running server's environment, not frozen at build.
  await connection();
  const config = readRuntimeConfig();
  return (
    <html lang="en">
      <body>
        <RuntimeConfigProvider value={config}>{children}</RuntimeConfigProvider>
      </body>
    </html>
  );
}

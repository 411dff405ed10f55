import type { ReactNode } from 'react';
import './globals.css';

export const metadata = { title: 'Tower', description: 'The control tower for data pipelines' };
// The API URL is read per request, so one build serves every environment.
export const dynamic = 'force-dynamic';

export default function RootLayout({ children }: { children: ReactNode }) {
  const config = { apiUrl: process.env.TOWER_API_URL ?? null };
  return (
    <html lang="en">
      <head>
        <script dangerouslySetInnerHTML={{ __html: `window.__TOWER__=${JSON.stringify(config).replace(/</g, '\\u003c')}` }} />
      </head>
      <body>{children}</body>
    </html>
  );
}

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { NextResponse } from 'next/server';
import { CSRF_HEADER } from '@/lib/security/csrf';
import { readDemoConfig } from '@/lib/config/server-config';

const run = promisify(execFile);

/**
 * Demo only (`npm start` sets TOWER_DEMO_S3_ENDPOINT): drops a sample sales file into the local S3
 * by running `scripts/demo-drop-file.mjs`, the same code as `npm run demo:drop-file`. The caller
 * must be signed in: its session cookie is checked against the API before anything is written,
 * with the browser's own CSRF header, Origin and Sec-Fetch-Site, so the API's CSRF rules apply here too.
 */
export async function POST(request: Request): Promise<Response> {
  const demo = readDemoConfig();
  if (!demo.enabled) return NextResponse.json({ error: 'the demo file drop is only available under npm start' }, { status: 404 });
  const forwarded: Record<string, string> = { 'x-forwarded-host': request.headers.get('host') ?? '' };
  // A bearer header (scripts, the start test) is passed on as well: no cross-site page can send one.
  for (const name of ['authorization', 'cookie', 'origin', 'sec-fetch-site', 'x-forwarded-proto', CSRF_HEADER]) {
    const value = request.headers.get(name);
    if (value) forwarded[name] = value;
  }
  const me = await fetch(demo.apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...forwarded },
    body: JSON.stringify({ query: '{ me { role } }' }),
  }).then(
    (r) => r.json() as Promise<{ data?: { me?: { role: string } } }>,
    () => null,
  );
  if (!me?.data?.me) return NextResponse.json({ error: 'sign in first' }, { status: 401 });
  try {
    const { stdout } = await run(process.execPath, [path.join(demo.root, 'scripts', 'demo-drop-file.mjs')], {
      cwd: demo.root,
      env: { ...process.env, TOWER_DEMO_S3_ENDPOINT: demo.s3Endpoint },
      timeout: 30_000,
    });
    return NextResponse.json({ message: stdout.trim().split('\n')[0] });
  } catch (err) {
    return NextResponse.json({ error: `could not drop the file: ${(err as Error).message}` }, { status: 502 });
  }
}

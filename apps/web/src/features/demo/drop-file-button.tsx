'use client';

import { useState } from 'react';
import { useRuntimeConfig } from '@/lib/config/runtime-config';
import { CSRF_HEADER } from '@/lib/security/csrf';
import { useSession } from '@/lib/session/use-session';

/**
 * Demo only: drops a sample sales file into the local S3 so the pipeline's file trigger starts a
 * run. Shown on `daily_sales_pipeline` when the server runs under `npm start`.
 */
export function DropSampleFileButton({ dagId }: { dagId: string }) {
  const { demoFileDrop } = useRuntimeConfig();
  const session = useSession();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (!demoFileDrop || dagId !== 'daily_sales_pipeline' || session.status !== 'signed-in') return null;

  async function drop() {
    setPending(true);
    setMessage(null);
    try {
      const res = await fetch('/api/demo/drop-file', { method: 'POST', credentials: 'same-origin', headers: { [CSRF_HEADER]: '1' } });
      const body = (await res.json()) as { message?: string; error?: string };
      setMessage(res.ok ? { ok: true, text: body.message ?? 'File dropped' } : { ok: false, text: body.error ?? `failed (${res.status})` });
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    } finally {
      setPending(false);
    }
  }

  return (
    <span className="action">
      <button
        type="button"
        className="btn"
        data-testid="demo-drop-file"
        disabled={pending}
        onClick={() => void drop()}
        title="Upload a sample sales CSV to the local S3"
      >
        {pending ? 'Dropping…' : 'Drop a sample file'}
      </button>
      {message ? (
        <span className={message.ok ? 'muted' : 'inline-error'} data-testid="demo-drop-file-result" role="status">
          {message.text}
        </span>
      ) : null}
    </span>
  );
}

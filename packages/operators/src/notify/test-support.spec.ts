/**
 * Real servers for the notify tests: an SMTP server (smtp-server) collecting messages and an
 * HTTP receiver collecting webhook requests. Named *.spec.ts so that neither the build (tsc
 * excludes *.spec.ts) nor Jest (runs *.test.ts) picks it up; see ../snowflake/test-support.spec.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  user?: string;
  subject: string;
  body: string;
}

export interface MailServer {
  port: number;
  messages: ReceivedMail[];
  close(): Promise<void>;
}

/** Decodes the subject header (RFC 2047) and a quoted-printable or plain text body of a simple message. */
function parseMail(raw: string): { subject: string; body: string } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, ' ');
  let subject = /^subject: (.*)$/im.exec(headers)?.[1] ?? '';
  subject = subject.replace(/=\?utf-8\?Q\?(.*?)\?=/gi, (_m, q: string) => decodeQp(q.replace(/_/g, ' '))).replace(/\?= =\?/g, '');
  let body = rest.join('\n\n');
  if (/content-transfer-encoding: quoted-printable/i.test(headers)) body = decodeQp(body);
  return { subject, body: body.replace(/\r\n/g, '\n').trimEnd() };
}

function decodeQp(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => `%${h}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
}

/** Accepts mail without TLS; a login is optional, and only `user`/`password` may log in. */
export async function startMailServer(login = { user: 'ops', password: 'mail-pw-1234' }): Promise<MailServer> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === login.user && auth.password === login.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const { subject, body } = parseMail(Buffer.concat(chunks).toString('utf8'));
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        messages.push({ from, to: session.envelope.rcptTo.map((r) => r.address), user: session.user as string | undefined, subject, body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** The status the next requests get (default 204). */
  respondWith(status: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let status = 204;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status >= 400 ? `refused with ${status}` : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith: (s) => (status = s),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

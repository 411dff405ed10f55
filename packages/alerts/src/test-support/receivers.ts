/**
 * Local receivers for alert deliveries in tests: one HTTP server standing in for webhooks, Slack
 * and PagerDuty (a path per channel, each with its own answer: a status, a delay, or no answer),
 * and an SMTP server (smtp-server) whose messages are parsed by mailparser.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
  at: number;
}

export interface Answer {
  status?: number;
  delayMs?: number;
  /** Never answers (the sender's timeout ends it). */
  hang?: boolean;
  body?: string;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  on(path: string, answer: Answer): void;
  at(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const answers = new Map<string, Answer>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON
      }
      requests.push({ path, headers: req.headers, body, json, at: Date.now() });
      const answer = answers.get(path) ?? {};
      if (answer.hang) return;
      setTimeout(() => {
        res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain' });
        res.end(answer.body ?? ((answer.status ?? 200) >= 400 ? `refused with ${answer.status}` : 'ok'));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on: (path, answer) => answers.set(path, answer),
    at: (path) => requests.filter((r) => r.path === path),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  at: number;
}

export interface MailReceiver {
  port: number;
  messages: ReceivedMail[];
  close(): Promise<void>;
}

export async function startMailReceiver(): Promise<MailReceiver> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            at: Date.now(),
          });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

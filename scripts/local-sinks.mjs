#!/usr/bin/env node
// Local stand-ins for the demo's notification channels, like MailHog: an SMTP server that accepts
// every message and a webhook receiver, both printing what they receive (one JSON line each).
//   node scripts/local-sinks.mjs [--smtp-port 2525] [--webhook-port 4580]
import http from 'node:http';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';

const { values } = parseArgs({ options: { 'smtp-port': { type: 'string', default: '2525' }, 'webhook-port': { type: 'string', default: '4580' } } });
const print = (event) => console.log(JSON.stringify({ time: new Date().toISOString(), ...event }));

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, done) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const subject = /^Subject: (.*)$/im.exec(raw)?.[1] ?? '';
      print({ sink: 'mail', from: session.envelope.mailFrom?.address, to: session.envelope.rcptTo.map((r) => r.address), subject });
      done();
    });
  },
});
smtp.listen(Number(values['smtp-port']), '127.0.0.1');

const webhook = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks).toString('utf8');
    try {
      body = JSON.parse(body);
    } catch {
      // keep the text
    }
    print({ sink: 'webhook', method: req.method, path: req.url, body });
    res.writeHead(204).end();
  });
});
webhook.listen(Number(values['webhook-port']), '127.0.0.1');
print({ sink: 'ready', smtp: `127.0.0.1:${values['smtp-port']}`, webhook: `http://127.0.0.1:${values['webhook-port']}/hooks/tower` });

const stop = () => {
  smtp.close(() => webhook.close(() => process.exit(0)));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

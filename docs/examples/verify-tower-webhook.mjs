#!/usr/bin/env node
// A webhook receiver that checks Tower's X-Tower-Signature before trusting a delivery.
// No dependencies: Node 20+. Run it, then point a WEBHOOK alert channel at http://<host>:<port>/
//
//   TOWER_SIGNING_SECRET=whsec-... PORT=8080 node docs/examples/verify-tower-webhook.mjs
//
// It answers 204 to a verified delivery (and prints it) and 401 to anything else. The recipe:
//   1. read the RAW body (before any JSON parsing: the signature is over the exact bytes);
//   2. split the header `t=<unix seconds>,v1=<hex>` into its timestamp and signature;
//   3. compute HMAC-SHA256(secret, `${t}.${rawBody}`) as hex;
//   4. compare in constant time, and refuse a timestamp more than 5 minutes away (replays);
//   5. drop a delivery whose X-Tower-Delivery id you have already handled (a resend after a crash).
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

export function verifyTowerSignature(secret, header, rawBody, nowMs = Date.now(), toleranceSeconds = 300) {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return false;
  if (Math.abs(nowMs / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex'), 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const secret = process.env.TOWER_SIGNING_SECRET;
  if (!secret) {
    console.error('set TOWER_SIGNING_SECRET to the channel signing secret');
    process.exit(2);
  }
  const seen = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (!verifyTowerSignature(secret, req.headers['x-tower-signature'], raw)) {
        res.writeHead(401).end('bad signature');
        console.log(JSON.stringify({ verified: false }));
        return;
      }
      const delivery = req.headers['x-tower-delivery'];
      const duplicate = seen.has(delivery);
      seen.add(delivery);
      const body = JSON.parse(raw);
      console.log(JSON.stringify({ verified: true, duplicate, delivery, type: body.type, summary: body.alert?.summary }));
      res.writeHead(204).end();
    });
  });
  server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1', () => {
    console.log(JSON.stringify({ listening: server.address().port }));
  });
}

import type { ServerResponse } from 'node:http';
import { requestsTurnedAway } from '@tower/telemetry';
import onFinished from 'on-finished';
import { GRAPHQL_CODE } from '../common/errors.js';
import { clientIpOf, type ClientRequest } from '../common/graphql-context.js';
import { addressKey } from './address-key.js';
import type { ClientGate } from './client-gate.js';

/** A 429 with a GraphQL body: TOO_MANY_REQUESTS and when to come back, in the body and in Retry-After. */
export function refuseTooMany(res: ServerResponse, message: string, retryAfterSeconds: number): void {
  const body = { errors: [{ message, extensions: { code: GRAPHQL_CODE.RATE_LIMITED, details: { retryAfterSeconds } } }] };
  res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfterSeconds) }).end(JSON.stringify(body));
}

/** Probes and scrapes (kubelet, Prometheus) never wait behind a client's line. */
const UNGATED = /^\/(health|healthz|readyz|metrics)(\/|\?|$)/;

/**
 * Every HTTP request waits for its address's turn (ClientGate) before the body is read; a request
 * whose client went away while it waited keeps its place until its turn, then passes it on without
 * running. A full line answers 429 at once.
 */
export function clientGateMiddleware(gate: ClientGate) {
  return (req: ClientRequest, res: ServerResponse, next: () => void) => {
    if (UNGATED.test(req.url ?? '')) return next();
    const admitted = gate.admit(addressKey(clientIpOf(req)), (done) => {
      // on-finished (Express's own): the response finished or its connection closed, even if that
      // happened while the request waited (its client left): then the turn passes at once.
      if (onFinished.isFinished(res) || req.socket.destroyed) return done();
      onFinished(res, done);
      next();
    });
    if (!admitted) {
      requestsTurnedAway.inc();
      refuseTooMany(res, 'too many requests from this address at once; try again in 1 s', 1);
    }
  };
}

import type { INestApplication } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { WebSocketServer } from 'ws';

/**
 * Caps a graphql-ws message at `bytes`, as the HTTP body is capped: `ws` accepts 100 MiB by
 * default, and graphql-ws parses every message as JSON on the API's thread, before the socket is
 * authenticated or rate-limited. A larger message closes the socket (1009, "message too big").
 *
 * Nest builds the WebSocketServer itself and has no option for this; `ws` reads `maxPayload` from
 * the server's options at every upgrade, so it is set there once the app is initialised. If Nest
 * ever moves that server, this throws at start-up rather than leave the limit off.
 */
export function limitWsMessageSize(app: INestApplication, bytes: number): void {
  const driver = app.get(GraphQLModule, { strict: false }).graphQlAdapter as unknown as { _subscriptionService?: { wss?: WebSocketServer } };
  const wss = driver._subscriptionService?.wss;
  if (!wss?.options) throw new Error("cannot find Nest's graphql-ws WebSocketServer to cap its message size");
  wss.options.maxPayload = bytes;
}

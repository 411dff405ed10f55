import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { TowerConfig } from '@tower/config';
import { EventPublisher, PrincipalRevocationListener, type PrincipalRevocation } from '@tower/events';
import type { Logger } from '@tower/logger';
import type { Redis } from 'ioredis';
import { InjectConfig, InjectLogger, InjectRedis } from '../common/tokens.js';
import type { Actor } from './actor.js';

/** What a graphql-ws socket is to us: something to close with a code and a reason. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

// graphql-ws's own code for "Forbidden": clients see the socket end with it, every subscription with it.
const REVOKED_CLOSE_CODE = 4403;
const READY_TIMEOUT_MS = 10_000;

function keyOf(r: PrincipalRevocation): string {
  switch (r.kind) {
    case 'apiKey':
      return `key:${r.apiKeyId}`;
    case 'session':
      return `session:${r.sessionId}`;
    case 'member':
      return `member:${r.tenantId}:${r.userId}`;
  }
}

/** The revocations that would end a socket opened by this caller. */
function keysOf(actor: Actor): string[] {
  if (actor.apiKeyId) return [keyOf({ kind: 'apiKey', tenantId: actor.tenantId, apiKeyId: actor.apiKeyId })];
  const keys: string[] = [];
  if (actor.sessionId) keys.push(keyOf({ kind: 'session', tenantId: actor.tenantId, sessionId: actor.sessionId }));
  if (actor.userId) keys.push(keyOf({ kind: 'member', tenantId: actor.tenantId, userId: actor.userId }));
  return keys;
}

/**
 * Ends the open graphql-ws sockets of a credential the moment it is revoked (an API key revoked, a
 * session logged out or revoked, a member removed), on every API replica: the revocation travels on
 * a Redis pub/sub channel that each process listens to, and each closes the sockets it holds for it
 * (close code 4403), which ends all of their subscriptions. New operations on any socket are refused
 * anyway: the guard authenticates every subscribe afresh.
 */
@Injectable()
export class PrincipalRevocations implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly sockets = new Map<string, Set<ClosableSocket>>();
  private readonly publisher: EventPublisher;
  private readonly listener: PrincipalRevocationListener;

  constructor(
    @InjectConfig() config: TowerConfig,
    @InjectRedis() redis: Redis,
    @InjectLogger() private readonly logger: Logger,
  ) {
    this.publisher = new EventPublisher(redis, config.REDIS_PREFIX);
    this.listener = new PrincipalRevocationListener(config.REDIS_URL, config.REDIS_PREFIX, (r) => this.closeSockets(r));
  }

  /** The app starts only once Redis acknowledged the SUBSCRIBE (fails fast otherwise). */
  async onApplicationBootstrap(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`cannot subscribe to Redis (REDIS_URL) within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.listener.whenReady(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener.close();
  }

  /** Remembers a socket authenticated as `actor` until it closes. */
  track(socket: ClosableSocket, actor: Actor): void {
    const keys = keysOf(actor);
    for (const key of keys) {
      let set = this.sockets.get(key);
      if (!set) this.sockets.set(key, (set = new Set()));
      set.add(socket);
    }
    socket.once('close', () => {
      for (const key of keys) {
        const set = this.sockets.get(key);
        set?.delete(socket);
        if (set?.size === 0) this.sockets.delete(key);
      }
    });
  }

  /** Closes this process's sockets at once and tells the other replicas (best effort: the credential is already invalid in Postgres). */
  async revoke(revocations: readonly PrincipalRevocation[]): Promise<void> {
    for (const r of revocations) this.closeSockets(r);
    await this.publisher
      .publishRevocations(revocations)
      .catch((err: unknown) => this.logger.warn({ err }, 'could not publish a credential revocation to the other API replicas'));
  }

  /** Sockets open per credential (for tests). */
  openSockets(r: PrincipalRevocation): number {
    return this.sockets.get(keyOf(r))?.size ?? 0;
  }

  private closeSockets(r: PrincipalRevocation): void {
    const set = this.sockets.get(keyOf(r));
    if (!set?.size) return;
    this.logger.info({ kind: r.kind, tenantId: r.tenantId, sockets: set.size }, 'closing graphql-ws sockets of a revoked credential');
    for (const socket of [...set]) socket.close(REVOKED_CLOSE_CODE, 'Forbidden: credentials revoked');
  }
}

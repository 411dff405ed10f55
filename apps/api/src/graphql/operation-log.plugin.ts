import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@tower/logger';
import { recordGraphqlOperation } from '@tower/telemetry';
import type { GraphQLError } from 'graphql';
import { clientCodeOf } from '../common/errors.js';
import type { GqlContext } from '../common/graphql-context.js';

/** One operation as it is logged and counted. */
interface OperationRecord {
  operationName: string | null | undefined;
  type: string;
  codes: readonly string[] | undefined;
  seconds: number;
  context: Pick<GqlContext, 'actor' | 'origin'> | undefined;
  transport: 'http' | 'ws';
}

/**
 * One structured line per operation: name, type, duration, caller and error codes; and the
 * operation's count and latency in the metrics (by name, type and outcome — never by tenant).
 * Variables are never logged (they carry passwords on signUp/login and secrets on connection mutations).
 * `quiet`: at debug level unless it failed on the server's side.
 */
function recordOperation(logger: Logger, { operationName, type, codes, seconds, context, transport }: OperationRecord, quiet = false): void {
  recordGraphqlOperation(operationName, type, !codes?.length ? 'ok' : codes.includes('INTERNAL_SERVER_ERROR') ? 'server_error' : 'client_error', seconds);
  const actor = context?.actor;
  const line = {
    operation: operationName ?? null,
    type,
    transport,
    durationMs: Math.round(seconds * 1000),
    tenantId: actor?.tenantId,
    actor: actor ? (actor.apiKeyId ? `api_key:${actor.apiKeyId}` : `user:${actor.userId}`) : undefined,
    ip: context?.origin?.ip,
    ...(codes?.length ? { errors: codes } : {}),
  };
  if (codes?.includes('INTERNAL_SERVER_ERROR')) logger.warn(line, 'graphql operation failed');
  else if (!quiet && (type === 'mutation' || codes?.length)) logger.info(line, 'graphql operation');
  else logger.debug(line, 'graphql operation');
}

/** Every HTTP operation, when its response is sent. */
export function operationLogPlugin(logger: Logger): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, errors }) {
          const seconds = (performance.now() - started) / 1000;
          recordOperation(logger, {
            operationName,
            type: operation?.operation ?? 'unknown',
            codes: errors?.map(clientCodeOf),
            seconds,
            context: contextValue,
            transport: 'http',
          });
        },
      };
    },
  };
}

interface WsOperation {
  started: number;
  operationName: string | undefined;
  type: string;
  context?: GqlContext;
  /** Distinct codes only: a subscription may fail on every event for days. */
  codes: Set<string>;
}

/** A name as a client sent it, kept only if it is a GraphQL name (it is logged and counted). */
const GRAPHQL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Every graphql-ws operation (queries and mutations run over the socket too; Apollo's plugins do
 * not see them), logged and counted like an HTTP one when it ends: a query or mutation with its
 * result, a subscription when it is completed or its socket closes (its duration is its lifetime).
 * An operation refused before it runs (a limit, a parse or validation failure) is logged then; one
 * refused by a rate limit only at debug level, so a flood does not write the log.
 *
 * Operations are keyed by their subscribe message's payload, the one object graphql-ws hands every
 * hook of that operation: a client may reuse an id once it completed it.
 */
export class WsOperationLog {
  private readonly open = new WeakMap<object, WsOperation>();

  constructor(private readonly logger: Logger) {}

  /** The operation passed its checks and is about to run. */
  started(payload: object, operationName: string | undefined, type: string): void {
    this.open.set(payload, { started: performance.now(), operationName, type, codes: new Set() });
  }

  /** Its context, once graphql-ws built it (the guard sets the caller on it). */
  executing(payload: object, context: unknown): void {
    const op = this.open.get(payload);
    if (op) op.context = context as GqlContext;
  }

  /** Errors in a result, or raised around it. */
  errors(payload: object, errors: readonly GraphQLError[], refused: { operationName?: string | null; context: Pick<GqlContext, 'origin'> }): void {
    const codes = errors.map(clientCodeOf);
    const op = this.open.get(payload);
    if (op?.context) {
      for (const code of codes) op.codes.add(code);
      return;
    }
    // Refused before it ran: nothing else will end it.
    this.open.delete(payload);
    const name = refused.operationName && GRAPHQL_NAME.test(refused.operationName) ? refused.operationName : undefined;
    const record = { operationName: name, type: op?.type ?? 'unknown', codes, seconds: 0, context: refused.context, transport: 'ws' as const };
    recordOperation(
      this.logger,
      record,
      codes.every((c) => c === 'TOO_MANY_REQUESTS'),
    );
  }

  ended(payload: object): void {
    const op = this.open.get(payload);
    if (!op) return;
    this.open.delete(payload);
    const seconds = (performance.now() - op.started) / 1000;
    recordOperation(this.logger, { operationName: op.operationName, type: op.type, codes: [...op.codes], seconds, context: op.context, transport: 'ws' });
  }
}

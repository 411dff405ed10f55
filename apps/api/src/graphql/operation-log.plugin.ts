import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@tower/logger';
import { recordGraphqlOperation } from '@tower/telemetry';
import { clientCodeOf } from '../common/errors.js';
import type { GqlContext } from '../common/graphql-context.js';

/**
 * One structured line per HTTP operation: name, type, duration, caller and error codes; and the
 * operation's count and latency in the metrics (by name, type and outcome — never by tenant). Variables
 * are never logged (they carry passwords on signUp/login and secrets on connection mutations).
 */
export function operationLogPlugin(logger: Logger): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, errors }) {
          const type = operation?.operation ?? 'unknown';
          const codes = errors?.map(clientCodeOf);
          const seconds = (performance.now() - started) / 1000;
          recordGraphqlOperation(
            operationName,
            type,
            !codes?.length ? 'ok' : codes.includes('INTERNAL_SERVER_ERROR') ? 'server_error' : 'client_error',
            seconds,
          );
          const line = {
            operation: operationName ?? null,
            type,
            durationMs: Math.round(seconds * 1000),
            tenantId: contextValue.actor?.tenantId,
            actor: contextValue.actor
              ? contextValue.actor.apiKeyId
                ? `api_key:${contextValue.actor.apiKeyId}`
                : `user:${contextValue.actor.userId}`
              : undefined,
            ip: contextValue.origin?.ip,
            ...(codes?.length ? { errors: codes } : {}),
          };
          if (codes?.includes('INTERNAL_SERVER_ERROR')) logger.warn(line, 'graphql operation failed');
          else if (type === 'mutation' || codes?.length) logger.info(line, 'graphql operation');
          else logger.debug(line, 'graphql operation');
        },
      };
    },
  };
}

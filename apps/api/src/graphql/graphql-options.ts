import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { BuildSchemaOptions } from '@nestjs/graphql';
import { iteratorInScope, runInDbScope, type DbScope } from '@tower/db';
import type { Logger } from '@tower/logger';
import {
  execute,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { SubscribePayload, Context as WsContext } from 'graphql-ws';
import type { AuthService } from '../auth/auth.service.js';
import type { ClosableSocket, PrincipalRevocations } from '../auth/principal-revocations.js';
import { crossSiteReason, readSessionCookie } from '../auth/web-session.js';
import type { RequestLimits } from '../auth/request-limits.js';
import { formatGraphqlError } from '../common/errors.js';
import {
  authorizationFromConnectionParams,
  compileTrustProxy,
  httpContext,
  originOf,
  resolveClientIp,
  type GqlContext,
  type TrustProxy,
} from '../common/graphql-context.js';
import { DateTimeScalar } from '../common/scalars/date-time.scalar.js';
import { checkOperation, schemaHolder } from './operation-check.js';
import { operationLogPlugin, WsOperationLog } from './operation-log.plugin.js';

/** The committed schema (apps/api/schema.graphql), from src/graphql or dist/graphql alike. */
export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema.graphql');

/** The role matrix generated from the declarations (docs/roles.md). */
export const ROLES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'roles.md');

export const GRAPHQL_PATH = '/graphql';

/** Shared by the server and the schema generator, so both print the same schema. */
export const BUILD_SCHEMA_OPTIONS: BuildSchemaOptions = {
  scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
  addNewlineAtEnd: true,
};

type WsExtra = { request: GqlContext['req']; socket: ClosableSocket; authorization?: string | null };

/** graphql-ws close code of a connection refused by the per-address rate limit (as HTTP's 429). */
export const WS_CLOSE_RATE_LIMITED = 4429;
type Ctx = WsContext<Record<string, unknown>, WsExtra>;

export interface GraphqlOptionsDeps {
  auth: AuthService;
  /** Closes the sockets of a credential when it is revoked. */
  revocations: PrincipalRevocations;
  limits: RequestLimits;
  logger: Logger;
  /** A path writes the sorted SDL there at boot; true keeps the schema in memory. */
  autoSchemaFile: string | true;
  /** Schema introspection (GRAPHQL_INTROSPECTION; on by default: the schema is public, docs/api.md). */
  introspection?: boolean;
  /** Which proxies' X-Forwarded-For to believe (TRUST_PROXY), for graphql-ws upgrades, which Express never sees. */
  trustProxy?: TrustProxy;
}

/**
 * What one operation may ask for, checked before anything runs (GraphQL Armor): a query of
 * thousands of aliases, a deeply nested one or one whose static cost is too high is refused while
 * it is parsed or validated (GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED), so it cannot hold
 * the API's single thread. Field suggestions stay on: the schema is public.
 */
export const OPERATION_LIMITS = {
  maxTokens: 5000,
  maxAliases: 30,
  maxDepth: 12,
  maxDirectives: 20,
  maxCost: 100_000,
} as const;

/**
 * The token limit is graphql-js's own (its parser stops there): GraphQL Armor's parses every new
 * document a second time to count its tokens, and its refusal was an HTTP 500.
 */
export const PARSE_OPTIONS = { maxTokens: OPERATION_LIMITS.maxTokens } as const;

/** The limits past the tokens (validation rules: aliases, depth, directives, cost). */
export function armor() {
  return new ApolloArmor({
    maxTokens: { enabled: false },
    maxAliases: { n: OPERATION_LIMITS.maxAliases },
    maxDepth: { n: OPERATION_LIMITS.maxDepth, ignoreIntrospection: true },
    maxDirectives: { n: OPERATION_LIMITS.maxDirectives },
    costLimit: { maxCost: OPERATION_LIMITS.maxCost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: false },
  }).protect();
}

/** connection_init's authorization, else the upgrade request's session cookie (Origin-checked). */
function wsAuthorization(ctx: Ctx): { authorization: string | null; refused?: string } {
  const fromParams = authorizationFromConnectionParams(ctx.connectionParams);
  if (fromParams) return { authorization: fromParams };
  const request = ctx.extra.request;
  const cookie = request ? readSessionCookie(request) : null;
  if (!request || !cookie) return { authorization: null };
  const refused = crossSiteReason(request.headers, { needOrigin: true });
  return refused ? { authorization: null, refused } : { authorization: `Bearer ${cookie}` };
}

export function graphqlOptions({
  auth,
  revocations,
  limits: rateLimits,
  logger,
  autoSchemaFile,
  introspection = true,
  trustProxy = compileTrustProxy(false),
}: GraphqlOptionsDeps): Omit<ApolloDriverConfig, 'driver'> {
  const limits = armor();
  const built = schemaHolder();
  const wsLog = new WsOperationLog(logger);
  // graphql-ws's operations: GraphQL's rules, the same limits, and no introspection when Apollo allows none.
  const wsRules = [...specifiedRules, ...limits.validationRules, ...(introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  // What the operation log knows of an operation refused before it ran.
  const refusal = (ctx: Ctx, payload: SubscribePayload) => ({ operationName: payload.operationName, context: { origin: originOf(ctx.extra.request) } });
  const logUnexpected = (err: unknown) => logger.error({ err }, 'unexpected error in a GraphQL operation');
  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] => errors.map((e) => formatGraphqlError(e.toJSON(), e, logUnexpected));

  return {
    path: GRAPHQL_PATH,
    autoSchemaFile,
    sortSchema: true,
    buildSchemaOptions: BUILD_SCHEMA_OPTIONS,
    graphiql: false,
    introspection,
    parseOptions: PARSE_OPTIONS,
    validationRules: limits.validationRules,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // Apollo calls it with { req, res } over HTTP; graphql-ws with its own context per operation.
    context: (arg: { req: GqlContext['req']; res?: GqlContext['res'] } | Ctx): GqlContext => {
      if ('connectionParams' in arg || 'extra' in arg) {
        const extra = (arg as Ctx).extra;
        return { transport: 'ws', req: extra.request, authorization: extra.authorization ?? null, origin: originOf(extra.request) };
      }
      return httpContext(arg.req!, arg.res);
    },
    formatError: (formatted, error) => formatGraphqlError(formatted, error, logUnexpected),
    // Apollo's default cache-control plugin wraps every field's resolver to collect cache hints;
    // Tower sets none (no HTTP caching of tenant data), so it is only per-field overhead.
    plugins: [...limits.plugins, operationLogPlugin(logger), ApolloServerPluginCacheControlDisabled(), built.plugin],
    subscriptions: {
      'graphql-ws': {
        path: GRAPHQL_PATH,
        // Same credentials as HTTP, in connection_init: `{ authorization: "Bearer …" }`; without
        // them, the web session cookie of the upgrade request if its Origin is this site (a page of
        // another site must not open a socket with the user's cookie). Returning false closes the
        // socket with 4403 Forbidden before any operation runs.
        onConnect: async (ctx: Ctx) => {
          resolveClientIp(ctx.extra.request, trustProxy);
          const refused = await rateLimits.ip(originOf(ctx.extra.request).ip);
          if (refused) {
            // Close reasons are short (123 bytes): the code and when to come back.
            ctx.extra.socket.close(WS_CLOSE_RATE_LIMITED, `TOO_MANY_REQUESTS: retry after ${String(refused.details?.retryAfterSeconds)} s`);
            return false;
          }
          const { authorization, refused: cookieRefused } = wsAuthorization(ctx);
          const actor = await auth.authenticate(authorization, originOf(ctx.extra.request));
          if (!actor) {
            logger.info({ ip: originOf(ctx.extra.request).ip, reason: cookieRefused ?? 'no valid token' }, 'graphql-ws connection refused');
            return false;
          }
          ctx.extra.authorization = authorization;
          // Revoking the key or session, or removing the member, closes this socket at once.
          revocations.track(ctx.extra.socket, actor);
          return true;
        },
        // Every subscription counts against its address; over the limit it is refused with
        // TOO_MANY_REQUESTS (the socket stays open). The principal's own limit is AuthGuard's.
        // Then the operation is parsed and validated as over HTTP (operation-check.ts).
        onSubscribe: async (ctx: Ctx, _id: string, payload: SubscribePayload) => {
          const refused = await rateLimits.ip(originOf(ctx.extra.request).ip);
          // Raw GraphQLErrors here: graphql-ws passes them through onError (below), which formats them.
          if (refused) return [new GraphQLError(refused.message, { originalError: refused })];
          const checked = checkOperation(built.schema(), payload, PARSE_OPTIONS, wsRules);
          if (checked.errors) return checked.errors;
          wsLog.started(payload, checked.args.operationName ?? checked.operation.name?.value, checked.operation.operation);
          return checked.args;
        },
        onOperation: (_ctx: Ctx, _id: string, payload: SubscribePayload, args: ExecutionArgs) => {
          wsLog.executing(payload, args.contextValue);
          return undefined;
        },
        onComplete: (_ctx: Ctx, _id: string, payload: SubscribePayload) => wsLog.ended(payload),
        // Never called (onSubscribe returns the checked operation), but given, it keeps Nest's
        // driver from validating every operation with the limits a second time (it would).
        validate: (schema: GraphQLSchema, document: DocumentNode) => validate(schema, document, wsRules),
        // Each operation runs in a database scope of its own, which AuthGuard binds to the caller's
        // tenant (row-security.ts); a subscription's events are pulled by graphql-ws outside it, and
        // their field resolvers read, so every pull goes back into it.
        execute: (args: ExecutionArgs) => runInDbScope({}, () => execute(args)),
        subscribe: (args: ExecutionArgs) => {
          const scope: DbScope = {};
          return runInDbScope(scope, async () => {
            const result = await subscribe(args);
            return Symbol.asyncIterator in result ? iteratorInScope(result, scope) : result;
          });
        },
        // graphql-ws bypasses Apollo's formatError: apply the same mapper to what it sends.
        onNext: (ctx: Ctx, _id: string, payload: SubscribePayload, _args: unknown, result: { errors?: readonly GraphQLError[]; data?: unknown }) => {
          if (!result.errors?.length) return undefined;
          wsLog.errors(payload, result.errors, refusal(ctx, payload));
          return { ...result, errors: format(result.errors) };
        },
        onError: (ctx: Ctx, _id: string, payload: SubscribePayload, errors: readonly GraphQLError[]) => {
          wsLog.errors(payload, errors, refusal(ctx, payload));
          return format(errors);
        },
      },
    },
  } as Omit<ApolloDriverConfig, 'driver'>;
}

import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { PrismaClient } from '@tower/db';
import type { Logger } from '@tower/logger';
import type { GraphQLResolveInfo } from 'graphql';
import { from, mergeMap, type Observable } from 'rxjs';
import type { GqlContext } from '../auth/actor.js';
import { LOGGER, PRISMA } from '../common/tokens.js';

const SECRET_KEY = /password|secret|token|privateKey|authorization/i;

/** Keeps what helps an audit (ids, names, flags) and never a secret; a DAG spec shrinks to its id. */
export function sanitizeArgs(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (SECRET_KEY.test(key)) continue;
    if (key === 'spec' && value && typeof value === 'object') out.spec = { dagId: (value as { dagId?: unknown }).dagId };
    else if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) out[key] = sanitizeArgs(value as Record<string, unknown>);
    else out[key] = value;
  }
  return out;
}

/**
 * Writes an audit row for every successful mutation: who (user or API key), what (mutation +
 * sanitised arguments + target id), when, and from where (IP, user agent).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<string>() !== 'graphql') return next.handle();
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (info.parentType.name !== 'Mutation') return next.handle();
    const ctx = gql.getContext<GqlContext>();
    const args = gql.getArgs<Record<string, unknown>>();
    return next.handle().pipe(
      mergeMap((result) => from(this.record(info.fieldName, ctx, args, result).then(() => result))),
    );
  }

  private async record(action: string, ctx: GqlContext, args: Record<string, unknown>, result: unknown): Promise<void> {
    const r = result as { tenant?: { id?: string }; user?: { id?: string }; id?: string; apiKey?: { id?: string } } | null;
    const actor = ctx.actor;
    const tenantId = actor?.tenantId ?? r?.tenant?.id;
    if (!tenantId) return;
    const ua = ctx.req?.headers['user-agent'];
    try {
      await this.prisma.auditLog.create({
        data: {
          tenantId,
          actorType: actor?.apiKeyId ? 'api_key' : 'user',
          actorId: actor?.apiKeyId ?? actor?.userId ?? r?.user?.id ?? null,
          action,
          targetId: r?.id ?? r?.apiKey?.id ?? null,
          details: sanitizeArgs(args) as object,
          ip: actor?.ip ?? ctx.req?.ip ?? null,
          userAgent: actor?.userAgent ?? (Array.isArray(ua) ? ua[0] : ua) ?? null,
        },
      });
    } catch (err) {
      this.logger.error({ err, action }, 'failed to write audit log');
    }
  }
}

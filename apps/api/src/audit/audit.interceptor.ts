import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { getNamedType, type GraphQLResolveInfo } from 'graphql';
import { catchError, from, mergeMap, throwError, type Observable } from 'rxjs';
import type { GqlContext } from '../common/graphql-context.js';
import { AuditService } from './audit.service.js';

/**
 * Every mutation is audited by construction: no resolver can forget it. Successful and failed
 * mutations alike (refusals by role are recorded by AuthGuard, which runs before interceptors).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<GqlContextType>() !== 'graphql') return next.handle();
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (info.parentType.name !== 'Mutation') return next.handle();
    const ctx = gql.getContext<GqlContext>();
    const base = { action: info.fieldName, args: gql.getArgs<Record<string, unknown>>(), returnType: getNamedType(info.returnType).name };
    // ctx.actor is read after the handler ran: signUp/login have none and are filed by their result.
    return next.handle().pipe(
      mergeMap((result) => from(this.audit.recordMutation({ ...base, actor: ctx.actor, origin: ctx.origin, result }).then(() => result))),
      catchError((error: unknown) =>
        from(this.audit.recordMutation({ ...base, actor: ctx.actor, origin: ctx.origin, error })).pipe(mergeMap(() => throwError(() => error))),
      ),
    );
  }
}

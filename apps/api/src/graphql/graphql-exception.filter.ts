import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType, GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands every exception of a GraphQL resolver (or guard) back to GraphQL untouched, so the one
 * mapper in formatError decides what the client sees and logs what is unexpected. Without it,
 * Nest would log every domain error (an expired token, a bad input) as an error with its stack.
 * REST routes keep Nest's default handling.
 */
@Catch()
export class GraphqlExceptionFilter extends BaseExceptionFilter implements GqlExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception instanceof Error ? exception : new Error(String(exception));
    return super.catch(exception, host);
  }
}

import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { TowerError } from '@tower/core';
import type { Role } from '@tower/db';
import { hasRole, IS_PUBLIC, MIN_ROLE, type Actor, type GqlContext } from './actor.js';
import { AuthService } from './auth.service.js';

/**
 * Every resolver is authenticated unless marked @Public(). HTTP requests carry
 * `Authorization: Bearer …`; graphql-ws connections were authenticated in onConnect and carry
 * the actor in their context.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // REST routes (only /health) are public; the GraphQL API is the authenticated surface.
    if (context.getType<string>() !== 'graphql') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const ctx = GqlExecutionContext.create(context).getContext<GqlContext>();
    if (!ctx.actor && ctx.req) {
      const header = ctx.req.headers['authorization'];
      const ua = ctx.req.headers['user-agent'];
      ctx.actor =
        (await this.auth.authenticate(Array.isArray(header) ? header[0] : header, {
          ip: ctx.req.ip ?? ctx.req.socket?.remoteAddress ?? null,
          userAgent: (Array.isArray(ua) ? ua[0] : ua) ?? null,
        })) ?? undefined;
    }
    const actor: Actor | undefined = ctx.actor;
    if (!actor) throw new TowerError('UNAUTHENTICATED', 'missing or invalid bearer token');
    const min = this.reflector.getAllAndOverride<Role | undefined>(MIN_ROLE, targets);
    if (min && !hasRole(actor, min)) throw new TowerError('FORBIDDEN', `this needs the ${min} role or higher (you are ${actor.role})`);
    return true;
  }
}

import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { TowerError } from '@tower/core';
import type { GqlContext } from '../common/graphql-context.js';
import type { Actor } from './actor.js';
import { CurrentActor, Public, Roles } from './auth.decorators.js';
import { AuthService, type AuthResult } from './auth.service.js';
import { crossSiteReason, setSessionCookie, wantsWebSession } from './web-session.js';
import { ApiKeyModel, CreateApiKeyPayload } from './dtos/api-key.dto.js';
import { CreateApiKeyArgs, LoginArgs, SignUpArgs } from './dtos/auth.args.js';
import { AuthPayload, ViewerModel } from './dtos/auth-payload.dto.js';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'Creates a user, its organisation (tenant) and a session; the user is OWNER. With the x-tower-csrf header (the web app) the session is also set as an httpOnly cookie.',
  })
  async signUp(@Args() args: SignUpArgs, @Context() ctx: GqlContext): Promise<AuthPayload> {
    const web = this.webSessionRequested(ctx);
    return this.withWebSession(ctx, web, await this.auth.signUp(args));
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'UNAUTHENTICATED with one message for an unknown email and a wrong password; TOO_MANY_REQUESTS (details.retryAfterSeconds) after too many failures from one address. With the x-tower-csrf header (the web app) the session is also set as an httpOnly cookie.',
  })
  async login(@Args() args: LoginArgs, @Context() ctx: GqlContext): Promise<AuthPayload> {
    const web = this.webSessionRequested(ctx);
    return this.withWebSession(ctx, web, await this.auth.login(args, ctx.origin));
  }

  /**
   * The web app (x-tower-csrf) gets its session as a cookie. Checked before any session is opened:
   * a cross-site page must not sign the browser in to an account of its choosing (login CSRF).
   */
  private webSessionRequested(ctx: GqlContext): boolean {
    if (ctx.transport !== 'http' || !ctx.req || !ctx.res || !wantsWebSession(ctx.req)) return false;
    const refused = crossSiteReason(ctx.req.headers);
    if (refused) throw new TowerError('FORBIDDEN', `no web session: ${refused}`);
    return true;
  }

  private withWebSession(ctx: GqlContext, web: boolean, result: AuthResult): AuthResult {
    if (web) setSessionCookie(ctx.req!, ctx.res!, result.token, result.expiresAt);
    return result;
  }

  @Query(() => ViewerModel)
  me(@CurrentActor() actor: Actor): Promise<ViewerModel> {
    return this.auth.viewer(actor);
  }

  @Roles('ADMIN')
  @Mutation(() => CreateApiKeyPayload, { description: "The secret is returned once; only its hash is stored. The role may not rank above the caller's." })
  createApiKey(@CurrentActor() actor: Actor, @Args() args: CreateApiKeyArgs): Promise<CreateApiKeyPayload> {
    return this.auth.createApiKey(actor, args);
  }

  @Roles('ADMIN')
  @Mutation(() => ApiKeyModel, { description: 'The key stops working at once. Idempotent.' })
  revokeApiKey(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyModel> {
    return this.auth.revokeApiKey(actor, id);
  }

  @Roles('ADMIN')
  @Query(() => [ApiKeyModel], { description: 'Newest first, revoked keys included.' })
  apiKeys(@CurrentActor() actor: Actor): Promise<ApiKeyModel[]> {
    return this.auth.listApiKeys(actor);
  }
}

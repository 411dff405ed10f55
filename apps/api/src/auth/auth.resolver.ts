import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { GqlContext } from '../common/graphql-context.js';
import type { Actor } from './actor.js';
import { AnyRole, CurrentActor, Public, Roles } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { webSessionRequested, withWebSession } from './web-session-context.js';
import { clearSessionCookie } from './web-session.js';
import { ApiKeyModel, CreateApiKeyPayload } from './dtos/api-key.dto.js';
import { CreateApiKeyArgs, LoginArgs, SignUpArgs } from './dtos/auth.args.js';
import { AuthPayload, SessionModel, ViewerModel } from './dtos/auth-payload.dto.js';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'Creates a user, its organisation (tenant) and a session; the user is OWNER. With the x-tower-csrf header (the web app) the session is also set as an httpOnly cookie.',
  })
  async signUp(@Args() args: SignUpArgs, @Context() ctx: GqlContext): Promise<AuthPayload> {
    const web = webSessionRequested(ctx);
    return withWebSession(ctx, web, await this.auth.signUp(args, ctx.origin));
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'UNAUTHENTICATED with one message for an unknown email and a wrong password; TOO_MANY_REQUESTS (details.retryAfterSeconds) after too many failures from one address. With the x-tower-csrf header (the web app) the session is also set as an httpOnly cookie.',
  })
  async login(@Args() args: LoginArgs, @Context() ctx: GqlContext): Promise<AuthPayload> {
    const web = webSessionRequested(ctx);
    return withWebSession(ctx, web, await this.auth.login(args, ctx.origin));
  }

  @AnyRole()
  @Mutation(() => AuthPayload, {
    description:
      "A session in another of the caller's organisations (see me.memberships); the calling session ends. NOT_FOUND when the caller is no member there. User sessions only.",
  })
  async switchTenant(@CurrentActor() actor: Actor, @Args('tenantId', { type: () => ID }) tenantId: string, @Context() ctx: GqlContext): Promise<AuthPayload> {
    const web = webSessionRequested(ctx);
    return withWebSession(ctx, web, await this.auth.switchTenant(actor, tenantId, ctx.origin));
  }

  @AnyRole()
  @Mutation(() => Boolean, { description: 'Ends the calling session: its token stops working and its open subscriptions close. User sessions only.' })
  async logout(@CurrentActor() actor: Actor, @Context() ctx: GqlContext): Promise<boolean> {
    await this.auth.logout(actor);
    // A browser's session cookie goes with it (POST /auth/logout does the same without GraphQL).
    if (ctx.transport === 'http' && ctx.req && ctx.res) clearSessionCookie(ctx.req, ctx.res);
    return true;
  }

  @AnyRole()
  @Query(() => [SessionModel], { description: "The caller's unexpired sessions in this organisation, newest first. User sessions only." })
  sessions(@CurrentActor() actor: Actor): Promise<SessionModel[]> {
    return this.auth.listSessions(actor);
  }

  @AnyRole()
  @Mutation(() => SessionModel, { description: "Ends one of the caller's sessions (its subscriptions close at once); NOT_FOUND for anyone else's." })
  revokeSession(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<SessionModel> {
    return this.auth.revokeSession(actor, id);
  }

  @AnyRole()
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
  @Mutation(() => ApiKeyModel, { description: 'The key stops working at once and its open subscriptions close. Idempotent.' })
  revokeApiKey(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyModel> {
    return this.auth.revokeApiKey(actor, id);
  }

  @Roles('ADMIN')
  @Query(() => [ApiKeyModel], { description: 'Newest first, revoked keys included.' })
  apiKeys(@CurrentActor() actor: Actor): Promise<ApiKeyModel[]> {
    return this.auth.listApiKeys(actor);
  }
}

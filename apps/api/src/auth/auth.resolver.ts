import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { GqlContext } from '../common/graphql-context.js';
import type { Actor } from './actor.js';
import { AnyRole, CurrentActor, Public, Roles } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { ApiKeyModel, CreateApiKeyPayload } from './dtos/api-key.dto.js';
import { CreateApiKeyArgs, LoginArgs, SignUpArgs } from './dtos/auth.args.js';
import { AuthPayload, ViewerModel } from './dtos/auth-payload.dto.js';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Mutation(() => AuthPayload, { description: 'Creates a user, its organisation (tenant) and a session; the user is OWNER.' })
  signUp(@Args() args: SignUpArgs): Promise<AuthPayload> {
    return this.auth.signUp(args);
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'UNAUTHENTICATED with one message for an unknown email and a wrong password; TOO_MANY_REQUESTS (details.retryAfterSeconds) after too many failures from one address.',
  })
  login(@Args() args: LoginArgs, @Context() ctx: GqlContext): Promise<AuthPayload> {
    return this.auth.login(args, ctx.origin);
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

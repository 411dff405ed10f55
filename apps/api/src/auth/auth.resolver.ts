import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Role } from '@tower/db';
import { CurrentActor, MinRole, Public, type Actor } from './actor.js';
import { ApiKeyModel, AuthPayload, CreateApiKeyPayload, ViewerModel } from './auth.models.js';
import { AuthService } from './auth.service.js';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Mutation(() => AuthPayload, { description: 'Creates a user, its organisation (tenant) and a session; the user is OWNER.' })
  signUp(@Args('email') email: string, @Args('password') password: string, @Args('tenantName') tenantName: string): Promise<AuthPayload> {
    return this.auth.signUp(email, password, tenantName);
  }

  @Public()
  @Mutation(() => AuthPayload)
  login(@Args('email') email: string, @Args('password') password: string): Promise<AuthPayload> {
    return this.auth.login(email, password);
  }

  @Query(() => ViewerModel)
  me(@CurrentActor() actor: Actor): Promise<ViewerModel> {
    return this.auth.viewer(actor);
  }

  @MinRole('ADMIN')
  @Mutation(() => CreateApiKeyPayload, { description: 'The secret is returned once; only its hash is stored.' })
  createApiKey(@CurrentActor() actor: Actor, @Args('name') name: string, @Args('role', { type: () => Role }) role: Role): Promise<CreateApiKeyPayload> {
    return this.auth.createApiKey(actor, name, role);
  }

  @MinRole('ADMIN')
  @Mutation(() => ApiKeyModel)
  revokeApiKey(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyModel> {
    return this.auth.revokeApiKey(actor, id);
  }

  @MinRole('ADMIN')
  @Query(() => [ApiKeyModel])
  apiKeys(@CurrentActor() actor: Actor): Promise<ApiKeyModel[]> {
    return this.auth.listApiKeys(actor);
  }
}

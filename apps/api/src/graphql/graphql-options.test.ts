import { describe, expect, it } from '@jest/globals';
import { ApolloDriver } from '@nestjs/apollo';
import { createLogger } from '@tower/logger';
import { graphqlOptions } from './graphql-options.js';

type WsHooks = { onSubscribe?: unknown; validate?: unknown };
type Options = ReturnType<typeof graphqlOptions> & { subscriptions: { 'graphql-ws': WsHooks } };

/** graphql-ws's configuration as Nest's Apollo driver hands it to graphql-ws. */
function asComposedByNest(options: Options): WsHooks {
  const driver = Object.create(ApolloDriver.prototype) as { getSubscriptionConfig(o: unknown): { 'graphql-ws': WsHooks } };
  return driver.getSubscriptionConfig(options)['graphql-ws'];
}

describe("graphql-ws's hooks as Nest's driver composes them", () => {
  const deps = {
    auth: {} as never,
    revocations: {} as never,
    limits: {} as never,
    logger: createLogger('test', { level: 'silent' }),
    autoSchemaFile: true as const,
  };

  it("keep Tower's onSubscribe as it is: the limits are checked once, by operation-check.ts, not again by the driver", () => {
    const options = graphqlOptions(deps) as Options;
    expect(asComposedByNest(options).onSubscribe).toBe(options.subscriptions['graphql-ws'].onSubscribe);
  });

  it('let the driver add only its introspection check when introspection is off', () => {
    const options = graphqlOptions({ ...deps, introspection: false }) as Options;
    const composed = asComposedByNest(options);
    expect(composed.onSubscribe).not.toBe(options.subscriptions['graphql-ws'].onSubscribe);
    expect(typeof composed.onSubscribe).toBe('function');
  });
});

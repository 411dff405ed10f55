import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';

/**
 * What an operation may be, checked the same way over HTTP (Apollo) and graphql-ws: parsed with a
 * token limit (graphql-js stops at the limit, so a huge document costs a few milliseconds, not its
 * whole parse), then validated with GraphQL's rules and the operation limits (GraphQL Armor's
 * rules). Apollo does both itself (its `parseOptions` and `validationRules`); graphql-ws would
 * parse without a limit and validate without the limits, and answer a syntax error by closing the
 * socket, so its subscribe messages go through `checkOperation` instead.
 */
export type OperationCheck = { document: DocumentNode; errors?: undefined } | { document?: undefined; errors: GraphQLError[] };

/** GraphQL's own request errors, as Apollo codes them (errors.ts passes these through). */
const PARSE_FAILED = 'GRAPHQL_PARSE_FAILED';
const VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED';

function coded(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

export function checkOperation(schema: GraphQLSchema, query: string, parseOptions: ParseOptions, rules: readonly ValidationRule[]): OperationCheck {
  let document: DocumentNode;
  try {
    document = parse(query, parseOptions);
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    return { errors: [coded(err, PARSE_FAILED)] };
  }
  const invalid = validate(schema, document, [...specifiedRules, ...rules]);
  return invalid.length ? { errors: invalid.map((e) => coded(e, VALIDATION_FAILED)) } : { document };
}

/**
 * The executable schema as Apollo built it, for graphql-ws's subscribe hook (which runs outside
 * Apollo): kept by a plugin when the server starts, before the API listens.
 */
export function schemaHolder(): { plugin: ApolloServerPlugin; schema(): GraphQLSchema } {
  let current: GraphQLSchema | undefined;
  return {
    plugin: {
      serverWillStart: ({ schema }) => {
        current = schema;
        return Promise.resolve();
      },
    },
    schema() {
      if (!current) throw new Error('the GraphQL schema is not built yet');
      return current;
    },
  };
}

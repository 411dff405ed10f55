import type { ApolloServerPlugin } from '@apollo/server';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';

/** A graphql-ws `subscribe` message's payload (an HTTP request's body has the same fields). */
export interface OperationRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

export interface CheckedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string;
  variableValues?: Record<string, unknown>;
}

export type OperationCheck =
  { args: CheckedOperation; operation: OperationDefinitionNode; errors?: undefined } | { args?: undefined; operation?: undefined; errors: GraphQLError[] };

/** GraphQL's own request errors, as Apollo codes them (errors.ts passes these through). */
const PARSE_FAILED = 'GRAPHQL_PARSE_FAILED';
const VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED';
const OPERATION_RESOLUTION_FAILURE = 'OPERATION_RESOLUTION_FAILURE';
const BAD_USER_INPUT = 'BAD_USER_INPUT';

function coded(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/**
 * What an operation may be, checked the same way over HTTP (Apollo) and graphql-ws: parsed with a
 * token limit (graphql-js stops at the limit, so a huge document costs a few milliseconds, not its
 * whole parse), then validated with `rules`: GraphQL's own and the operation limits (GraphQL
 * Armor's rules, and no introspection when it is off). Apollo does all of it itself (its `parseOptions`,
 * `validationRules`, `introspection`), and codes each refusal. graphql-ws would parse without a
 * limit, close the socket on a syntax error, and leave its errors without a code (so they reached
 * clients as INTERNAL_SERVER_ERROR): its subscribe messages go through `checkOperation` instead,
 * which also resolves the operation and coerces the variables, with Apollo's codes.
 */
export function checkOperation(schema: GraphQLSchema, request: OperationRequest, parseOptions: ParseOptions, rules: readonly ValidationRule[]): OperationCheck {
  let document: DocumentNode;
  try {
    document = parse(request.query, parseOptions);
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    return { errors: [coded(err, PARSE_FAILED)] };
  }
  const invalid = validate(schema, document, rules);
  if (invalid.length) return { errors: invalid.map((e) => coded(e, VALIDATION_FAILED)) };
  const operationName = request.operationName ?? undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const message = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
    return { errors: [new GraphQLError(message, { extensions: { code: OPERATION_RESOLUTION_FAILURE } })] };
  }
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 50 });
  if (variables.errors) return { errors: variables.errors.map((e) => coded(e, BAD_USER_INPUT)) };
  return { args: { schema, document, operationName, variableValues: request.variables ?? undefined }, operation };
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

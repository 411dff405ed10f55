import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

// RFC 3339 date-time with an explicit offset (Z or ±hh:mm): an instant, never a local time.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

function parse(value: unknown): Date {
  if (typeof value !== 'string' || !RFC3339.test(value)) {
    // A TypeError (not a GraphQLError) lets GraphQL add the location and the argument's name.
    throw new TypeError('DateTime must be an ISO 8601 / RFC 3339 string with a time zone offset, e.g. 2026-03-01T00:00:00Z');
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`DateTime ${value} is not a valid instant`);
  return date;
}

/**
 * `DateTime`: an instant as an ISO 8601 string in UTC (`2026-03-08T07:00:00.000Z`). Unlike Nest's
 * default, a malformed value is rejected as a bad input instead of reaching resolvers as Invalid Date.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, as an ISO 8601 string in UTC, e.g. 2026-03-08T07:00:00.000Z. Inputs need an explicit offset (Z or ±hh:mm).',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent this value');
    return date.toISOString();
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new TypeError('DateTime must be a string');
    return parse(ast.value);
  },
});

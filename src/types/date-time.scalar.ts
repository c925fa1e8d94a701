import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { parseTimestamp, type ParsedTimestamp } from '../paging/time-key';

function parse(value: unknown): ParsedTimestamp {
  const parsed = typeof value === 'string' ? parseTimestamp(value) : null;
  if (!parsed) {
    throw new GraphQLError(
      'DateTime must be an ISO 8601 date-time with a time zone, e.g. "2024-02-02T20:48:40Z" or "2024-02-02T21:48:40.376852+01:00".',
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  }
  return parsed;
}

// The form parseTimestamp gives every provider time the gateway reads: already normalised.
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/**
 * ISO 8601 date-time in UTC. Output keeps the provider's full precision (LogRocket has
 * microseconds), which a JavaScript Date would lose; input accepts any offset and up to
 * nanoseconds and is normalised to UTC.
 */
export const DateTimeScalar = new GraphQLScalarType<ParsedTimestamp, string>({
  name: 'DateTime',
  description: 'An ISO 8601 date-time with a time zone. Returned in UTC at the precision the provider recorded (LogRocket: microseconds).',
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') return CANONICAL_UTC.test(value) ? value : parse(value).iso;
    if (value !== null && typeof value === 'object' && 'iso' in value) return String((value as ParsedTimestamp).iso);
    throw new GraphQLError('DateTime cannot represent this value.');
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) return parse(undefined);
    return parse(ast.value);
  },
});

import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

// ISO 8601 with a time and an explicit zone ("Z" or ±hh:mm); a bare date or a zone-less time is ambiguous.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function parse(value: unknown): Date {
  if (typeof value !== "string" || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError(
      `DateTime must be an ISO 8601 date-time with a zone, like "2026-01-31T12:00:00Z"; got ${JSON.stringify(value)}`,
      {
        extensions: { code: "BAD_USER_INPUT" },
      },
    );
  }
  return new Date(value);
}

/** An instant, always written as ISO 8601 in UTC ("2026-01-31T12:00:00.000Z"). */
export const DateTimeScalar = new GraphQLScalarType<Date | null, string>({
  name: "DateTime",
  description:
    'An instant in time, as an ISO 8601 string in UTC, e.g. "2026-01-31T12:00:00.000Z". Inputs must carry a zone ("Z" or an offset).',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw new GraphQLError("DateTime cannot represent an invalid date");
    return date.toISOString();
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) return parse(undefined);
    return parse(ast.value);
  },
});

import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { FieldProblemsError, isGatewayError } from "./gateway-error.js";
import { ERROR_CODES } from "./codes.js";

/** Codes of malformed requests (src/server/graphql-over-http/request-errors.ts, graphql-js); safe to pass through as they are. */
const REQUEST_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

export type ErrorLogger = (error: unknown) => void;

/**
 * A refused request whose code is not on the error as it stands, or undefined. Every validation error is
 * relabelled GRAPHQL_VALIDATION_FAILED, so a limit refused during validation (src/server/limits.ts) is found on
 * `originalError`; the introspection refusal (src/server/no-introspection.ts) is known by its
 * `validationErrorCode`; and a few request errors carry an HTTP 4xx status but no code (an unsupported
 * persisted-query version).
 */
function refusal(error: unknown): { message?: string; extensions: Record<string, unknown> } | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const limited = [error, error.originalError].find((e) => e instanceof GraphQLError && e.extensions.code === "OPERATION_LIMIT_EXCEEDED");
  if (limited instanceof GraphQLError) {
    const { limit } = limited.extensions;
    return { message: limited.message, extensions: { code: "OPERATION_LIMIT_EXCEEDED", ...(typeof limit === "string" ? { limit } : {}) } };
  }
  if (error.extensions.validationErrorCode === "INTROSPECTION_DISABLED") {
    // Said here, whatever the rule's own message: the code is what clients branch on, the message what they read.
    return {
      message: "introspection is off on this server; __schema and __type cannot be queried",
      extensions: { code: "INTROSPECTION_DISABLED" },
    };
  }
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  if (error.extensions.code === undefined && typeof status === "number" && status >= 400 && status < 500) {
    return { extensions: { code: "BAD_REQUEST" } };
  }
  return undefined;
}

/** What a resolver threw: graphql-js wraps it in a GraphQLError located at the field (with a path). */
function unwrapResolverError(error: unknown): unknown {
  return error instanceof GraphQLError && error.path && error.originalError ? error.originalError : error;
}

/**
 * The one boundary between the gateway's errors and what a client sees. GatewayErrors keep their message
 * and gain `extensions.code`, `.source` and `.field`; GraphQL request errors pass through; anything else is
 * logged and masked as INTERNAL_SERVER_ERROR, because its message may carry internals. Never throws.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log: ErrorLogger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = {
    message: formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  if (isGatewayError(original)) {
    return {
      ...base,
      message: original.message,
      extensions: {
        code: original.code,
        ...(original.source !== undefined ? { source: original.source } : {}),
        ...(original.field !== undefined ? { field: original.field } : {}),
        ...(original.retryAfterSeconds !== undefined ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
        ...(original instanceof FieldProblemsError && original.problems.length > 1 ? { problems: original.problems } : {}),
      },
    };
  }
  const refused = refusal(original);
  if (refused) return { ...base, ...(refused.message !== undefined ? { message: refused.message } : {}), extensions: refused.extensions };
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && typeof code === "string" && (REQUEST_CODES.has(code) || code in ERROR_CODES)) {
    return { ...base, extensions: { code } };
  }
  log(original);
  return { ...base, message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
}

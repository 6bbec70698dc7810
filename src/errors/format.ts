import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { FieldProblemsError, isGatewayError } from "./gateway-error.js";
import { ERROR_CODES } from "./codes.js";

/** Codes Apollo Server and graphql-js produce for malformed requests; safe to pass through as they are. */
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
 * The one boundary between the gateway's errors and what a client sees. GatewayErrors keep their message
 * and gain `extensions.code`, `.source` and `.field`; GraphQL request errors pass through; anything else is
 * logged and masked as INTERNAL_SERVER_ERROR, because its message may carry internals. Never throws.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log: ErrorLogger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
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
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && typeof code === "string" && (REQUEST_CODES.has(code) || code in ERROR_CODES)) {
    return { ...base, extensions: { code } };
  }
  log(original);
  return { ...base, message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
}

import { GraphQLError, type GraphQLErrorOptions } from "graphql";
import type { HttpHead } from "./types.js";

/**
 * The request errors of GraphQL over HTTP, with the codes, messages and HTTP statuses clients have always had from
 * this gateway (Apollo Server's, whose protocol handling this replaces). `extensions.http` says the status (and any
 * header) of the answer; the error boundary (src/errors/format.ts) removes it from what the client sees.
 */

function coded(message: string, code: string, options: GraphQLErrorOptions = {}): GraphQLError {
  return new GraphQLError(message, { ...options, extensions: { ...options.extensions, code } });
}

function http(status: number, headers?: Array<[string, string]>): Partial<HttpHead> {
  return { status, headers: new Map(headers) };
}

/** BAD_REQUEST: not a GraphQL-over-HTTP request the gateway can read. 400 unless `status` says otherwise. */
export function badRequest(message: string, status = 400, headers?: Array<[string, string]>): GraphQLError {
  return coded(message, "BAD_REQUEST", { extensions: { http: http(status, headers) } });
}

export function syntaxError(error: GraphQLError): GraphQLError {
  return coded(error.message, "GRAPHQL_PARSE_FAILED", {
    source: error.source,
    positions: error.positions,
    extensions: { http: http(400), ...error.extensions },
    originalError: error,
  });
}

/** A validation rule's error; the rule's own extensions (a limit's code and name) stay on `originalError`. */
export function validationError(error: GraphQLError): GraphQLError {
  return coded(error.message, "GRAPHQL_VALIDATION_FAILED", {
    nodes: error.nodes,
    extensions: { http: http(400), ...error.extensions },
    originalError: error.originalError ?? error,
  });
}

/** A variable's value that does not fit its type: the client's input, not the server's failure. */
export function userInputError(error: GraphQLError): GraphQLError {
  return coded(error.message, "BAD_USER_INPUT", {
    nodes: error.nodes,
    originalError: error.originalError ?? error,
    extensions: error.extensions,
  });
}

/** No operation to run: none by that name, or several and no name. */
export function operationResolutionError(error: GraphQLError): GraphQLError {
  return coded(error.message, "OPERATION_RESOLUTION_FAILURE", {
    nodes: error.nodes,
    originalError: error.originalError ?? error,
    extensions: { http: http(400), ...error.extensions },
  });
}

/**
 * 200, and no cache may keep it: the client answers by sending the document with its hash, and the same request
 * then succeeds.
 */
function persistedQueryHttp(): Partial<HttpHead> {
  return http(200, [["cache-control", "private, no-cache, must-revalidate"]]);
}

export function persistedQueryNotFound(): GraphQLError {
  return coded("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", { extensions: { http: persistedQueryHttp() } });
}

export function persistedQueryNotSupported(): GraphQLError {
  return coded("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED", { extensions: { http: persistedQueryHttp() } });
}

/** `maybe` as a GraphQLError: itself, or one wrapping it (with `prefix` before its message). */
export function ensureGraphQLError(maybe: unknown, prefix = ""): GraphQLError {
  const error = maybe instanceof Error ? maybe : new GraphQLError(`Unexpected error value: ${String(maybe)}`);
  return error instanceof GraphQLError ? error : new GraphQLError(prefix + error.message, { originalError: error });
}

import type { GraphQLFormattedError } from "graphql";
import { ensureGraphQLError } from "./request-errors.js";
import { mergeHead, newHead, type HttpHead } from "./types.js";

/** The one boundary every error a client sees passes (src/errors/format.ts), given the error as formatted so far. */
export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * Errors as the client gets them, and the HTTP status and headers they ask for (`extensions.http`, removed from
 * what is sent). A code defaults to INTERNAL_SERVER_ERROR before `format` decides; `format` never throws, but if it
 * did, the client would still get a masked error and never a stack.
 */
export function formatErrors(errors: readonly unknown[], format: FormatError): { formatted: GraphQLFormattedError[]; http: HttpHead } {
  const http = newHead();
  const formatted = errors.map((error) => {
    try {
      return format(enrich(error, http), error);
    } catch {
      return { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
  });
  return { formatted, http };
}

function enrich(maybe: unknown, http: HttpHead): GraphQLFormattedError {
  const error = ensureGraphQLError(maybe);
  const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? "INTERNAL_SERVER_ERROR" };
  if (isHead(extensions.http)) {
    mergeHead(http, extensions.http);
    delete extensions.http;
  }
  return { ...error.toJSON(), extensions };
}

function isHead(value: unknown): value is Partial<HttpHead> {
  if (!value || typeof value !== "object") return false;
  const { status, headers } = value as { status?: unknown; headers?: unknown };
  return (!("status" in value) || typeof status === "number") && (!("headers" in value) || headers instanceof Map);
}

import type { IncomingHttpHeaders } from "node:http";
import type { FormattedExecutionResult } from "graphql";

/** An HTTP request as the protocol step reads it: the body already parsed (JSON) by the pipeline, or its text. */
export interface HttpGraphQLRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The URL's query string (`?query=...`), as the pipeline left it. */
  search: string;
  body: unknown;
}

/** Status and headers of an answer, which errors add to (`extensions.http`); lower-case header names. */
export interface HttpHead {
  status: number | undefined;
  headers: Map<string, string>;
}

export interface HttpGraphQLResponse extends HttpHead {
  body: string;
}

/** One operation's parameters, as GraphQL over HTTP defines them; each present only when of the right type. */
export interface GraphQLRequest {
  query?: string | undefined;
  operationName?: string | undefined;
  variables?: Record<string, unknown> | undefined;
  extensions?: Record<string, unknown> | undefined;
}

export type OperationResult = FormattedExecutionResult;

export function newHead(status?: number): HttpHead {
  return { status, headers: new Map() };
}

/** `source`'s status (when set) and headers onto `target`. */
export function mergeHead(target: HttpHead, source: Partial<HttpHead>): void {
  if (source.status) target.status = source.status;
  for (const [name, value] of source.headers ?? []) target.headers.set(name, value);
}

/** A header's value as one string (Node gives a repeated header as an array only for a few names). */
export function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

import { expect } from "vitest";
import { ERROR_CODES } from "../../src/errors/codes.js";

/** Every code a client may see; INTERNAL_SERVER_ERROR is never an answer to a client's own garbage. */
export const CLIENT_ERROR_CODES = new Set<string>([
  ...Object.keys(ERROR_CODES).filter((code) => code !== "INTERNAL_SERVER_ERROR"),
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  headers: Headers;
}

/** A JSON POST unless told otherwise; `body` is sent as is (a string is not JSON-encoded again). */
export async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = { "content-type": "application/json" },
): Promise<RawResponse> {
  return read(await fetch(url, { method: "POST", headers, body }));
}

export async function get(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string> = { "apollo-require-preflight": "1" },
): Promise<RawResponse> {
  return read(await fetch(`${url}?${new URLSearchParams(params)}`, { headers }));
}

async function read(res: Response): Promise<RawResponse> {
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text(), headers: res.headers };
}

export interface GraphQLBody {
  data?: unknown;
  errors?: Array<{ message: string; extensions: { code: string; limit?: string } }>;
}

/**
 * A well-formed GraphQL response: JSON of a GraphQL media type, `data` and/or `errors`, every error a message and
 * a code a client may branch on (never INTERNAL_SERVER_ERROR). Returns the parsed body (the first, when batched).
 */
export function expectWellFormed(res: RawResponse): GraphQLBody {
  expect(res.contentType, res.text.slice(0, 200)).toMatch(/^application\/(json|graphql-response\+json)\b/);
  const parsed = JSON.parse(res.text) as GraphQLBody | GraphQLBody[];
  for (const body of Array.isArray(parsed) ? parsed : [parsed]) {
    expect(body, res.text.slice(0, 500)).toBeTypeOf("object");
    expect("data" in body || "errors" in body, res.text.slice(0, 500)).toBe(true);
    for (const error of body.errors ?? []) {
      expect(error.message, res.text.slice(0, 500)).toBeTypeOf("string");
      expect(CLIENT_ERROR_CODES, `${error.extensions?.code}: ${error.message}`).toContain(error.extensions?.code);
    }
  }
  return Array.isArray(parsed) ? parsed[0]! : parsed;
}

/** A request refused before execution: no `data`, one coded error, the given HTTP status. */
export function expectRefused(res: RawResponse, status: number, code: string, limit?: string): GraphQLBody["errors"] & object {
  const body = expectWellFormed(res);
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  expect(body.data, res.text.slice(0, 300)).toBeUndefined();
  expect(body.errors?.[0]?.extensions, res.text.slice(0, 300)).toEqual(limit === undefined ? { code } : { code, limit });
  return body.errors!;
}

export function healthz(graphqlUrl: string): Promise<Response> {
  return fetch(graphqlUrl.replace(/\/graphql$/, "/healthz"));
}

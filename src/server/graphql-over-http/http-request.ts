import { Kind } from "graphql";
import { mimeEssence } from "./media-types.js";
import { badRequest } from "./request-errors.js";
import { headerOf, type GraphQLRequest, type HttpGraphQLRequest } from "./types.js";

/**
 * One operation's parameters from a POST body (one element of a batch) or a GET query string, checked as Apollo
 * Server checked them, with its messages (clients and the tests know them). Throws a BAD_REQUEST GraphQLError.
 */
export function graphqlRequestOf(http: HttpGraphQLRequest, body: unknown): GraphQLRequest {
  if (http.method === "POST") return postRequest(body);
  if (http.method === "GET") return getRequest(http);
  throw badRequest("Apollo Server supports only GET/POST requests.", 405, [["allow", "GET, POST"]]);
}

function postRequest(body: unknown): GraphQLRequest {
  if (!isRecord(body) || Object.keys(body).length === 0)
    throw badRequest("POST body missing, invalid Content-Type, or JSON object has no keys.");
  const { query, variables, extensions, operationName } = body;
  if (query && typeof query !== "string") {
    // The common mistake first: a parsed document (graphql-js's AST) sent instead of its text.
    if ((query as { kind?: unknown }).kind === Kind.DOCUMENT) {
      throw badRequest(
        "GraphQL queries must be strings. It looks like you're sending the internal graphql-js representation of a parsed query in your " +
          "request instead of a request in the GraphQL query language. You can convert an AST to a string using the `print` function from " +
          "`graphql`, or use a client like `apollo-client` which converts the internal representation to a string for you.",
      );
    }
    throw badRequest("GraphQL queries must be strings.");
  }
  if (typeof variables === "string")
    throw badRequest("`variables` in a POST body should be provided as an object, not a recursively JSON-encoded string.");
  if (typeof extensions === "string")
    throw badRequest("`extensions` in a POST body should be provided as an object, not a recursively JSON-encoded string.");
  if ("extensions" in body && extensions !== null && !isRecord(extensions))
    throw badRequest("`extensions` in a POST body must be an object if provided.");
  if ("variables" in body && variables !== null && !isRecord(variables))
    throw badRequest("`variables` in a POST body must be an object if provided.");
  if ("operationName" in body && operationName !== null && typeof operationName !== "string")
    throw badRequest("`operationName` in a POST body must be a string if provided.");
  return {
    query: typeof query === "string" ? query : undefined,
    operationName: typeof operationName === "string" ? operationName : undefined,
    variables: isRecord(variables) ? variables : undefined,
    extensions: isRecord(extensions) ? extensions : undefined,
  };
}

function getRequest(http: HttpGraphQLRequest): GraphQLRequest {
  const contentType = headerOf(http.headers, "content-type");
  if (contentType !== undefined && mimeEssence(contentType) !== "application/json") {
    throw badRequest("GET requests may not have a content-type header other than application/json.", 415);
  }
  const search = new URLSearchParams(http.search);
  return {
    query: once(search, "query"),
    operationName: once(search, "operationName"),
    variables: jsonRecord(search, "variables"),
    extensions: jsonRecord(search, "extensions"),
  };
}

function once(search: URLSearchParams, name: string): string | undefined {
  const values = search.getAll(name);
  if (values.length > 1) throw badRequest(`The '${name}' search parameter may only be specified once.`);
  return values[0];
}

function jsonRecord(search: URLSearchParams, name: string): Record<string, unknown> | undefined {
  const value = once(search, name);
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw badRequest(`The ${name} search parameter contains invalid JSON.`);
  }
  if (!isRecord(parsed)) throw badRequest(`The ${name} search parameter should contain a JSON-encoded object.`);
  return parsed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Buffer.isBuffer(value) && !Array.isArray(value);
}

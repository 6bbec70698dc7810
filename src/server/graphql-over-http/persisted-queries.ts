import { createHash } from "node:crypto";
import { GraphQLError } from "graphql";
import { badRequest, persistedQueryNotFound, persistedQueryNotSupported } from "./request-errors.js";
import type { GraphQLRequest } from "./types.js";

/** Where registered documents are kept (src/server/persisted-queries.ts: Redis, or memory). A failure reads as a miss. */
export interface DocumentStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean>;
}

/** Automatic persisted queries: where documents are kept, and for how long (seconds; null or absent: no expiry). */
export interface PersistedQueryOptions {
  cache: DocumentStore;
  ttl?: number | null;
}

/**
 * Keys are `apq:<sha256>`, as Apollo Server wrote them: a Redis shared with replicas still running an older version
 * (during a rolling update) serves documents either of them registered.
 */
const KEY_PREFIX = "apq:";

/** The request's document, and whether to register it under its hash once the operation has been resolved. */
export type PersistedDocument = { query: string; register: (() => Promise<void>) | undefined } | { refusal: GraphQLError };

/**
 * The document a request runs, by Apollo's automatic-persisted-queries protocol (`extensions.persistedQuery`):
 * - a hash alone runs the document registered under it, or is answered PERSISTED_QUERY_NOT_FOUND, and the client
 *   sends the document with its hash;
 * - a document with its hash is registered under it, once its SHA-256 is checked (no one can put another document
 *   under a hash a client will use), and only if the operation got as far as being resolved (`register`);
 * - without `persistedQuery`, the document itself, which must not be empty.
 * Synchronous unless the store is read: most requests carry their document, and an await would cost them a promise.
 */
export function persistedDocument(
  request: GraphQLRequest,
  options: PersistedQueryOptions | undefined,
): PersistedDocument | Promise<PersistedDocument> {
  const persisted = request.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  const { query } = request;
  if (!persisted) {
    return query
      ? { query, register: undefined }
      : { refusal: badRequest("GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension.") };
  }
  if (!options) return { refusal: persistedQueryNotSupported() };
  // No code: the error boundary answers an uncoded 4xx as BAD_REQUEST.
  if (persisted.version !== 1)
    return {
      refusal: new GraphQLError("Unsupported persisted query version", { extensions: { http: { status: 400, headers: new Map() } } }),
    };
  const key = `${KEY_PREFIX}${String(persisted.sha256Hash)}`;
  if (query === undefined) {
    return options.cache
      .get(key)
      .then((registered) => (registered ? { query: registered, register: undefined } : { refusal: persistedQueryNotFound() }));
  }
  if (persisted.sha256Hash !== createHash("sha256").update(query).digest("hex")) {
    return {
      refusal: new GraphQLError("provided sha does not match query", { extensions: { http: { status: 400, headers: new Map() } } }),
    };
  }
  const { ttl } = options;
  return { query, register: () => options.cache.set(key, query, ttl !== undefined ? { ttl } : undefined) };
}

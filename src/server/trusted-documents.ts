import { GraphQLError } from "graphql";
import type { Principal } from "../auth/principal.js";
import { documentHash, hashOfDocumentId } from "../documents/document-id.js";
import { badRequest } from "./request-body.js";

/** Where a key's published documents are read: one primary-key lookup (src/store/trusted-documents.ts). */
export interface TrustedDocumentLookup {
  body(apiKeyId: string, hash: string): Promise<string | null>;
}

/** A document id this key never published (or any id, from a caller without an API key). Apollo Router's code. */
export const NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST";
/** A locked key sent a document it did not publish. Apollo Router's code. */
export const NOT_IN_SAFELIST = "QUERY_NOT_IN_SAFELIST";

/**
 * Trusted documents at request time, before anything is parsed or cached:
 * - a request may name a document by id instead of sending its text: `documentId` ("sha256:<hex>", the
 *   GraphQL-over-HTTP persisted-documents proposal), in a POST body or a GET parameter. The id is looked up among
 *   the calling key's published documents and its text put in `query`, so everything after (limits, validation,
 *   the response cache, GET caching) treats it as if it had been sent;
 * - a locked key runs only its published documents: sent by id, as text (matched by its SHA-256, so a client that
 *   sends whole documents needs no change), or as an APQ hash; anything else is refused, 403, before it is parsed.
 * Unlocked keys, JWTs and auth off work as before; without an API key there is no list, so every id is unknown.
 * `payload` is a parsed POST body (an object, or an array when batched) and is rewritten in place; `search` is a
 * GET request's parameters, likewise. Returns the refusal, or undefined.
 */
export async function applyTrustedDocuments(
  principal: Principal,
  request: { payload: unknown } | { search: URLSearchParams },
  lookup: TrustedDocumentLookup,
): Promise<GraphQLError | undefined> {
  if ("search" in request) return resolveOperation(getOperation(request.search), principal, lookup);
  const operations = Array.isArray(request.payload) ? request.payload : [request.payload];
  for (const operation of operations) {
    // Anything not an object is Apollo's to refuse, with its own error.
    if (operation === null || typeof operation !== "object") continue;
    const refusal = await resolveOperation(postOperation(operation as Record<string, unknown>), principal, lookup);
    if (refusal) return refusal;
  }
  return undefined;
}

/** One operation's parameters, wherever they travel. */
interface OperationParameters {
  documentId: unknown;
  query: unknown;
  extensions: unknown;
  useDocument(text: string): void;
}

function postOperation(body: Record<string, unknown>): OperationParameters {
  return {
    documentId: body.documentId,
    query: body.query,
    extensions: body.extensions,
    useDocument(text) {
      delete body.documentId;
      body.query = text;
    },
  };
}

function getOperation(search: URLSearchParams): OperationParameters {
  const extensions = search.get("extensions");
  let parsed: unknown;
  try {
    parsed = extensions === null ? undefined : JSON.parse(extensions);
  } catch {
    // Malformed extensions are Apollo's to refuse.
  }
  return {
    documentId: search.get("documentId") ?? undefined,
    query: search.get("query") ?? undefined,
    extensions: parsed,
    useDocument(text) {
      search.delete("documentId");
      search.set("query", text);
    },
  };
}

async function resolveOperation(operation: OperationParameters, principal: Principal, lookup: TrustedDocumentLookup): Promise<GraphQLError | undefined> {
  const key = principal.documents;
  if (operation.documentId !== undefined) {
    const hash = typeof operation.documentId === "string" ? hashOfDocumentId(operation.documentId) : null;
    if (hash === null) return badRequest("documentId must be a document's SHA-256: sha256:<64 lower-case hex digits>");
    if (operation.query !== undefined) return badRequest("send either documentId or query, not both");
    const text = key ? await lookup.body(key.apiKeyId, hash) : null;
    if (text === null) return notInList(key !== undefined);
    operation.useDocument(text);
    return undefined;
  }
  if (!key?.locked) return undefined;
  if (typeof operation.query === "string") {
    return (await lookup.body(key.apiKeyId, documentHash(operation.query))) === null ? notInSafelist() : undefined;
  }
  const apqHash = persistedQueryHash(operation.extensions);
  if (apqHash !== undefined) {
    // A locked key's APQ hash names one of its documents (the same SHA-256), never Apollo's shared APQ store.
    const text = await lookup.body(key.apiKeyId, apqHash);
    if (text === null) return notInList(true);
    operation.useDocument(text);
  }
  return undefined;
}

function persistedQueryHash(extensions: unknown): string | undefined {
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery?.sha256Hash;
  return typeof hash === "string" && hashOfDocumentId(hash) === hash ? hash : undefined;
}

function notInList(hasKey: boolean): GraphQLError {
  const message = hasKey
    ? "no document with that id is published for this API key; publish it (publishTrustedDocuments, or license-gateway documents publish) or send its text"
    : "documents are published per API key; this caller has none, so send the document's text";
  // 400, not 404: a 404 is cacheable by default (RFC 9111), and a CDN would keep answering it after the publication.
  return new GraphQLError(message, { extensions: { code: NOT_IN_LIST, http: { status: 400 } } });
}

function notInSafelist(): GraphQLError {
  return new GraphQLError("this API key is locked to its trusted documents, and this document is not one of them; send a published document, by id or as its exact text", {
    extensions: { code: NOT_IN_SAFELIST, http: { status: 403 } },
  });
}

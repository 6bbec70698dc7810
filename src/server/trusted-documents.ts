import { GraphQLError } from "graphql";
import type { Principal } from "../auth/principal.js";
import { documentHash, documentIdOf, hashOfDocumentId } from "../documents/document-id.js";
import { loggedOperationName } from "../observability/operation-names.js";
import { badRequest } from "./request-body.js";

/** Where a key's published documents are read: one primary-key lookup each (src/store/trusted-documents.ts). */
export interface TrustedDocumentLookup {
  /** The text, for a request that names a document by id. */
  body(apiKeyId: string, hash: string): Promise<string | null>;
  /** Whether it is published, for a request that sent the text: the text need not come back from the store. */
  has(apiKeyId: string, hash: string): Promise<boolean>;
}

/** A document id this key never published (or any id, from a caller without an API key). Apollo Router's code. */
export const NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST";
/** A locked key sent a document it did not publish. Apollo Router's code. */
export const NOT_IN_SAFELIST = "QUERY_NOT_IN_SAFELIST";

/**
 * What became of one operation of a key with trusted documents, for the metrics and the log:
 * - `by-id`: named by `documentId` or an APQ hash, and run from the key's list;
 * - `in-list`: sent as text, and the text is one of the key's documents;
 * - `outside`: sent as text by an unlocked key, and not one of its documents: it runs, and would be refused once
 *   the key is locked (what an operator watches before locking a key; Apollo Router's `log_unknown`);
 * - `refused`: refused (an id not in the list, or a locked key's document not in it).
 */
export type DocumentOutcome = "by-id" | "in-list" | "outside" | "refused";

/** The refusal, if any, and the outcome of each operation of a key with documents (none for other callers). */
export interface TrustedDocumentsVerdict {
  refusal: GraphQLError | undefined;
  outcomes: Array<{ apiKeyId: string; outcome: DocumentOutcome; documentId: string | undefined; operationName: string | undefined }>;
}

/**
 * Trusted documents at request time, before anything is parsed or cached:
 * - a request may name a document by id instead of sending its text: `documentId` ("sha256:<hex>", the
 *   GraphQL-over-HTTP persisted-documents proposal), in a POST body or a GET parameter. The id is looked up among
 *   the calling key's published documents and its text put in `query`, so everything after (limits, validation,
 *   the response cache, GET caching) treats it as if it had been sent;
 * - a locked key runs only its published documents: sent by id, as text (matched by its SHA-256, so a client that
 *   sends whole documents needs no change), or as an APQ hash; anything else is refused, 403, before it is parsed.
 * - an unlocked key that has documents runs anything, but its other documents are told apart (`outside`), at the
 *   cost of one lookup per such request.
 * JWTs and auth off work as before; without an API key there is no list, so every id is unknown.
 * `payload` is a parsed POST body (an object, or an array when batched) and is rewritten in place; `search` is a
 * GET request's parameters, likewise.
 */
export async function applyTrustedDocuments(
  principal: Principal,
  request: TrustedDocumentsRequest,
  lookup: TrustedDocumentLookup,
): Promise<TrustedDocumentsVerdict> {
  const verdict: TrustedDocumentsVerdict = { refusal: undefined, outcomes: [] };
  const operations =
    "search" in request
      ? [getOperation(request.search)]
      : (Array.isArray(request.payload) ? request.payload : [request.payload]).flatMap(postOperationOf);
  for (const operation of operations) {
    const result = await resolveOperation(operation, principal, lookup);
    if (result.outcome !== undefined && principal.documents) {
      verdict.outcomes.push({
        apiKeyId: principal.documents.apiKeyId,
        outcome: result.outcome,
        documentId: result.hash && documentIdOf(result.hash),
        operationName: operation.operationName,
      });
    }
    if (result.refusal) {
      verdict.refusal = result.refusal;
      break;
    }
  }
  return verdict;
}

/** A POST's parsed body (an object, or an array when batched), or a GET's URL parameters. */
export type TrustedDocumentsRequest = { payload: unknown } | { search: URLSearchParams };

/**
 * Whether the request names a document by `documentId` (in its URL, its body, or an operation of its batch): what a
 * caller without documents needs looked up at all. Read where getOperation and postOperation read it, without
 * building their parameter objects: every request of such a caller asks.
 */
export function namesDocument(request: TrustedDocumentsRequest): boolean {
  if ("search" in request) return request.search.has("documentId");
  const named = (operation: unknown) =>
    operation !== null && typeof operation === "object" && (operation as { documentId?: unknown }).documentId !== undefined;
  return Array.isArray(request.payload) ? request.payload.some(named) : named(request.payload);
}

/** Anything not an object is the protocol step's to refuse, with its own error. */
function postOperationOf(operation: unknown): OperationParameters[] {
  return operation === null || typeof operation !== "object" ? [] : [postOperation(operation as Record<string, unknown>)];
}

/** One operation's parameters, wherever they travel. */
interface OperationParameters {
  operationName: string | undefined;
  documentId: unknown;
  query: unknown;
  extensions: unknown;
  useDocument(text: string): void;
}

function postOperation(body: Record<string, unknown>): OperationParameters {
  return {
    operationName: clientName(body.operationName),
    documentId: body.documentId,
    query: body.query,
    extensions: body.extensions,
    useDocument(text) {
      delete body.documentId;
      body.query = text;
    },
  };
}

/** The operation name as the client claims it, for the log: cut short, since it is whatever the client sent. */
function clientName(name: unknown): string | undefined {
  return typeof name === "string" ? loggedOperationName(name) : undefined;
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
    operationName: clientName(search.get("operationName")),
    documentId: search.get("documentId") ?? undefined,
    query: search.get("query") ?? undefined,
    extensions: parsed,
    useDocument(text) {
      search.delete("documentId");
      search.set("query", text);
    },
  };
}

interface OperationResult {
  refusal?: GraphQLError;
  outcome?: DocumentOutcome;
  /** The document's hash, where one was named or computed. */
  hash?: string;
}

async function resolveOperation(
  operation: OperationParameters,
  principal: Principal,
  lookup: TrustedDocumentLookup,
): Promise<OperationResult> {
  const key = principal.documents;
  if (operation.documentId !== undefined) {
    const hash = typeof operation.documentId === "string" ? hashOfDocumentId(operation.documentId) : null;
    if (hash === null) return { refusal: badRequest("documentId must be a document's SHA-256: sha256:<64 lower-case hex digits>") };
    if (operation.query !== undefined) return { refusal: badRequest("send either documentId or query, not both") };
    const text = key ? await lookup.body(key.apiKeyId, hash) : null;
    if (text === null) return { refusal: notInList(key !== undefined), outcome: "refused", hash };
    operation.useDocument(text);
    return { outcome: "by-id", hash };
  }
  if (!key || !(key.locked || key.published)) return {};
  if (typeof operation.query === "string") {
    const hash = documentHash(operation.query);
    if (await lookup.has(key.apiKeyId, hash)) return { outcome: "in-list", hash };
    return key.locked ? { refusal: notInSafelist(), outcome: "refused", hash } : { outcome: "outside", hash };
  }
  // An unlocked key's APQ hash is Apollo's to resolve, from its shared APQ store.
  const apqHash = key.locked ? persistedQueryHash(operation.extensions) : undefined;
  if (apqHash === undefined) return {};
  // A locked key's APQ hash names one of its documents (the same SHA-256), never Apollo's shared APQ store.
  const text = await lookup.body(key.apiKeyId, apqHash);
  if (text === null) return { refusal: notInList(true), outcome: "refused", hash: apqHash };
  operation.useDocument(text);
  return { outcome: "by-id", hash: apqHash };
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
  return new GraphQLError(
    "this API key is locked to its trusted documents, and this document is not one of them; send a published document, by id or as its exact text",
    {
      extensions: { code: NOT_IN_SAFELIST, http: { status: 403 } },
    },
  );
}

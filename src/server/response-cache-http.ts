import type { IncomingMessage } from "node:http";
import type { Principal } from "../auth/principal.js";
import type { ResponseCache } from "../cache/response-cache.js";
import { passesCsrfPrevention } from "./graphql-over-http/csrf.js";

/**
 * The response cache key of a request, from the request as sent (method, content type, Accept header, and the
 * raw body or query string), or undefined when the cache must not answer it: a request CSRF prevention refuses
 * (graphql-over-http/csrf.ts; a cached answer must not skip that check), or one that is neither GET nor POST.
 */
export function responseCacheKey(
  cache: ResponseCache,
  req: IncomingMessage,
  url: URL,
  body: string | undefined,
  principal: Principal,
): string | undefined {
  if (req.method === "GET") {
    if (!passesCsrfPrevention(req.headers)) return undefined;
    return cache.keyOf({ principal, request: ["GET", req.headers.accept ?? "", url.search] });
  }
  if (req.method !== "POST" || body === undefined || !passesCsrfPrevention(req.headers)) return undefined;
  return cache.keyOf({ principal, request: ["POST", req.headers["content-type"] ?? "", req.headers.accept ?? "", body] });
}

/**
 * Whether an answer may be stored for this request: one operation (no batch) with its query text or an automatic
 * persisted query's hash. A hash names one document as surely as its text does: a document whose hash does not
 * match is refused, and a hash not known is answered with an error, which is never stored.
 */
export function isStorable(req: IncomingMessage, url: URL, body: unknown): boolean {
  if (req.method === "GET")
    return typeof url.searchParams.get("query") === "string" || persistedHash(parseJson(url.searchParams.get("extensions")));
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  const { query, extensions } = body as { query?: unknown; extensions?: unknown };
  return typeof query === "string" || persistedHash(extensions);
}

function persistedHash(extensions: unknown): boolean {
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery;
  return typeof persisted?.sha256Hash === "string";
}

function parseJson(text: string | null): unknown {
  try {
    return text === null ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** An RFC 9211 Cache-Status value: what the response cache did with this request. */
export function cacheStatus(
  outcome: { hit: true; ttlSeconds: number } | { hit: false; stored: true } | { hit: false; stored: false; reason: string },
): string {
  if (outcome.hit) return `license-gateway; hit; ttl=${outcome.ttlSeconds}`;
  if (outcome.stored) return "license-gateway; fwd=miss; stored";
  if (outcome.reason === "mutation" || outcome.reason === "subscription") return `license-gateway; fwd=method`;
  return `license-gateway; fwd=miss; detail="${outcome.reason.replace(/["\\]/g, "")}"`;
}

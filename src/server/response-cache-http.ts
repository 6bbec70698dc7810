import type { IncomingMessage } from "node:http";
import type { Principal } from "../auth/principal.js";
import type { ResponseCache } from "../cache/response-cache.js";

/** Content types a browser may send cross-site without a preflight (Apollo's CSRF prevention refuses them). */
const SIMPLE_CONTENT_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);
/**
 * Headers that make a browser send a CORS preflight, so Apollo's CSRF prevention lets a simple request (any GET)
 * through with one of them (http-server.ts passes this list to Apollo; the cache applies the same check).
 * `authorization` is one of them: it is not a CORS-safelisted header, and a request carrying an API key or a JWT is
 * exactly what a cross-site form or <img> cannot send. It lets a partner's persisted GET through without an extra
 * Apollo-specific header.
 */
export const CSRF_PREFLIGHT_HEADERS = ["x-apollo-operation-name", "apollo-require-preflight", "authorization"];

/**
 * The response cache key of a request, from the request as sent (method, content type, Accept header, and the
 * raw body or query string), or undefined when the cache must not answer it: a request Apollo's CSRF
 * prevention would refuse (a cached answer must not skip that check), or one that is neither GET nor POST.
 */
export function responseCacheKey(cache: ResponseCache, req: IncomingMessage, url: URL, body: string | undefined, principal: Principal): string | undefined {
  if (req.method === "GET") {
    if (!passesCsrfPrevention(req)) return undefined;
    return cache.keyOf({ principal, request: ["GET", req.headers.accept ?? "", url.search] });
  }
  if (req.method !== "POST" || body === undefined || !passesCsrfPrevention(req)) return undefined;
  return cache.keyOf({ principal, request: ["POST", req.headers["content-type"] ?? "", req.headers.accept ?? "", body] });
}

/**
 * Whether an answer may be stored for this request: one operation (no batch) with its query text or an automatic
 * persisted query's hash. A hash names one document as surely as its text does: Apollo refuses a document whose
 * hash does not match, and a hash it does not know is answered with an error, which is never stored.
 */
export function isStorable(req: IncomingMessage, url: URL, body: unknown): boolean {
  if (req.method === "GET") return typeof url.searchParams.get("query") === "string" || persistedHash(parseJson(url.searchParams.get("extensions")));
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

function passesCsrfPrevention(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  if (type !== undefined && !SIMPLE_CONTENT_TYPES.has(type.split(";")[0]!.trim().toLowerCase())) return true;
  return CSRF_PREFLIGHT_HEADERS.some((h) => (req.headers[h]?.length ?? 0) > 0);
}

/** An RFC 9211 Cache-Status value: what the response cache did with this request. */
export function cacheStatus(outcome: { hit: true; ttlSeconds: number } | { hit: false; stored: true } | { hit: false; stored: false; reason: string }): string {
  if (outcome.hit) return `license-gateway; hit; ttl=${outcome.ttlSeconds}`;
  if (outcome.stored) return "license-gateway; fwd=miss; stored";
  if (outcome.reason === "mutation" || outcome.reason === "subscription") return `license-gateway; fwd=method`;
  return `license-gateway; fwd=miss; detail="${outcome.reason.replace(/["\\]/g, "")}"`;
}

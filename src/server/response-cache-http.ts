import type { IncomingMessage } from "node:http";
import type { Principal } from "../auth/principal.js";
import type { ResponseCache } from "../cache/response-cache.js";

/** Content types a browser may send cross-site without a preflight (Apollo's CSRF prevention refuses them). */
const SIMPLE_CONTENT_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);
const PREFLIGHT_HEADERS = ["x-apollo-operation-name", "apollo-require-preflight"];

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

/** Whether an answer may be stored for this request: one operation with its query text (no batch, no stored document). */
export function isStorable(req: IncomingMessage, url: URL, body: unknown): boolean {
  if (req.method === "GET") return typeof url.searchParams.get("query") === "string";
  return body !== null && typeof body === "object" && !Array.isArray(body) && typeof (body as { query?: unknown }).query === "string";
}

function passesCsrfPrevention(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  if (type !== undefined && !SIMPLE_CONTENT_TYPES.has(type.split(";")[0]!.trim().toLowerCase())) return true;
  return PREFLIGHT_HEADERS.some((h) => req.headers[h] !== undefined);
}

/** An RFC 9211 Cache-Status value: what the response cache did with this request. */
export function cacheStatus(outcome: { hit: true; ttlSeconds: number } | { hit: false; stored: true } | { hit: false; stored: false; reason: string }): string {
  if (outcome.hit) return `license-gateway; hit; ttl=${outcome.ttlSeconds}`;
  if (outcome.stored) return "license-gateway; fwd=miss; stored";
  if (outcome.reason === "mutation" || outcome.reason === "subscription") return `license-gateway; fwd=method`;
  return `license-gateway; fwd=miss; detail="${outcome.reason.replace(/["\\]/g, "")}"`;
}

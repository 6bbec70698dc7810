import type { IncomingMessage } from "node:http";
import type { Principal } from "../auth/principal.js";
import type { ResponseCache } from "../cache/response-cache.js";

/** Content types a browser may send cross-site without a preflight (Apollo's CSRF prevention refuses them). */
const SIMPLE_CONTENT_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);
const PREFLIGHT_HEADERS = ["x-apollo-operation-name", "apollo-require-preflight"];

/**
 * The response cache key of a request, or undefined when the cache must not answer it: a batch, no query
 * text, or a request Apollo's CSRF prevention would refuse (a cached answer must not skip that check).
 */
export function responseCacheKey(cache: ResponseCache, req: IncomingMessage, url: URL, body: unknown, principal: Principal): string | undefined {
  if (!passesCsrfPrevention(req)) return undefined;
  let parts: { query: unknown; operationName: unknown; variables: unknown; extensions: unknown };
  if (req.method === "GET") {
    const p = url.searchParams;
    parts = { query: p.get("query"), operationName: p.get("operationName"), variables: p.get("variables"), extensions: p.get("extensions") };
  } else if (req.method === "POST" && body !== null && typeof body === "object" && !Array.isArray(body)) {
    parts = body as typeof parts;
  } else {
    return undefined;
  }
  if (typeof parts.query !== "string" || (parts.operationName != null && typeof parts.operationName !== "string")) return undefined;
  return cache.keyOf({
    principal,
    query: parts.query,
    operationName: parts.operationName as string | null | undefined,
    // Extensions (a persisted query's hash, say) may change the answer, so they are part of the variables' slot.
    variables: [parts.variables ?? null, parts.extensions ?? null],
    accept: req.headers.accept,
  });
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

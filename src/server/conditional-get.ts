import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Browser caching for queries sent as `GET` (persisted queries, trusted documents by id, or plain `?query=`), done
 * so that a cached answer is never served stale: every successful GET answer carries
 * - an `ETag`, a hash of its exact bytes;
 * - `Cache-Control: private, no-cache`: a browser may keep it, but must ask again before each use; a shared cache
 *   (CDN, proxy) must not keep it at all, since an answer is one caller's (it depends on the credential);
 * - `Vary: Accept, Authorization`: the media type and the caller choose the answer.
 * A request whose `If-None-Match` names the current answer's ETag gets `304 Not Modified` without a body: the
 * browser reuses its copy, and the answer still reflects every change, since the gateway computed (or took from
 * its own cache, which mutations invalidate) the current one to compare.
 *
 * `server.getCacheControl` can open this to CDNs (`public, no-cache`, or a short `s-maxage` for an operator who
 * accepts answers that old); `Vary: Authorization` keeps one caller's answer from another either way.
 *
 * Why not a `max-age` by default: the gateway drops a cached answer the moment a mutation changes what it read, on every
 * replica; a max-age would let a browser show an answer the gateway knows is stale. Revalidation costs a round trip
 * but no body, and no vendor call when the gateway's own cache holds the answer.
 */
export const GET_CACHE_CONTROL = "private, no-cache";
const VARY = "Accept, Authorization";

/** What every other answer the gateway runs gets: no cache may keep it (what Apollo's own plugin would have said). */
const NOT_STORED = "no-store";

/**
 * The caching headers of an answer Apollo produced: for a GET with status 200, the ETag, `cacheControl` (config
 * `server.getCacheControl`, default GET_CACHE_CONTROL) and Vary; for anything else `no-store`. The gateway decides
 * these alone (Apollo's cache-control plugin is told not to, in http-server.ts); only a header Apollo set on
 * purpose stays as it is, with no ETag: a PERSISTED_QUERY_NOT_FOUND's `private, no-cache, must-revalidate`.
 */
export function cachingHeaders(
  method: string | undefined,
  status: number,
  body: string,
  apolloCacheControl: string | undefined,
  cacheControl = GET_CACHE_CONTROL,
): Array<[string, string]> {
  if (apolloCacheControl !== undefined) return [];
  if (method !== "GET" || status !== 200) return [["cache-control", NOT_STORED]];
  // Quoted, strong: the same bytes, the same tag. 128 bits of SHA-256 tell answers apart as well as all 256.
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
  return [
    ["etag", etag],
    ["cache-control", cacheControl],
    ["vary", VARY],
  ];
}

/** Whether the client's copy is current: `If-None-Match` lists this ETag (weak or strong) or is `*`. */
export function notModified(req: IncomingMessage, etag: string | undefined): boolean {
  const header = req.headers["if-none-match"];
  if (req.method !== "GET" || etag === undefined || header === undefined) return false;
  return header.trim() === "*" || header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/**
 * Adds `names` (comma-separated) to the answer's Vary header, keeping what is there: two steps set it, the CORS step
 * (`Origin`, before anything else) and this module (`Accept, Authorization`, on GET answers), and neither may drop
 * the other's.
 */
export function addVary(res: ServerResponse, names: string): void {
  const current = String(res.getHeader("vary") ?? "");
  const present = new Set(current.split(",").map((name) => name.trim().toLowerCase()));
  const added = names
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "" && !present.has(name.toLowerCase()));
  if (added.length > 0) res.setHeader("vary", [...(current === "" ? [] : [current]), ...added].join(", "));
}

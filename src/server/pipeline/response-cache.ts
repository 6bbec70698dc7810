import type { ResponseCache } from "../../cache/response-cache.js";
import { notModified } from "../conditional-get.js";
import { cacheStatus, isStorable, responseCacheKey } from "../response-cache-http.js";
import type { Step } from "./exchange.js";
import { sendNotModified, setHeaders } from "./send-answer.js";

/**
 * Whole answers (src/cache/response-cache.ts), keyed by the principal and the request as sent, so a hit is found
 * before anything is parsed: the same bytes were parsed, checked against the limits and executed when the answer
 * was stored. A hit is answered here (or a 304). On the way back, an executed answer is stored when it may be
 * (after its caching headers are set, so they are stored with it) and gets its Cache-Status.
 */
export function responseCache(cache: ResponseCache | undefined): Step {
  if (!cache) return (next) => next;
  return (next) => async (x) => {
    const { req, res, url } = x;
    if (x.cachesUsable && x.principal) {
      x.cacheKey = responseCacheKey(cache, req, url, x.text, x.principal);
      const hit = x.cacheKey === undefined ? undefined : cache.lookup(x.cacheKey);
      if (hit) {
        const { status, headers, body } = hit.response;
        const served = cacheStatus({ hit: true, ttlSeconds: hit.ttlSeconds });
        if (notModified(req, headers.find(([name]) => name === "etag")?.[1])) return sendNotModified(res, headers, served);
        setHeaders(res, headers);
        res.writeHead(status, ["cache-status", served, "content-length", String(body.length)]);
        res.end(body);
        return;
      }
    }
    await next(x);
    const { answer, context, cacheKey } = x;
    if (!answer || cacheKey === undefined || !context?.cacheReads || !isStorable(req, url, x.body)) return;
    const outcome = cache.store(
      cacheKey,
      { status: answer.status, headers: [...answer.headers], body: answer.body },
      context.cacheReads,
      x.scope?.cacheFreshUntil,
    );
    answer.cacheStatus = cacheStatus({ hit: false, ...outcome });
  };
}

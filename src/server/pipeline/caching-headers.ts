import { cachingHeaders as headersFor } from "../conditional-get.js";
import type { Step } from "./exchange.js";

/**
 * On the way back: an executed answer's ETag, Cache-Control and Vary (../conditional-get.ts), decided by the
 * gateway alone; a Cache-Control the answer already carries (a PERSISTED_QUERY_NOT_FOUND's) stays as it is.
 */
export function cachingHeaders(getCacheControl: string | undefined): Step {
  return (next) => async (x) => {
    await next(x);
    const { answer } = x;
    if (!answer) return;
    for (const [name, value] of headersFor(
      x.req.method,
      answer.status,
      answer.body,
      answer.headers.get("cache-control"),
      getCacheControl,
    )) {
      answer.headers.set(name, value);
    }
  };
}

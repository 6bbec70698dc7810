import type { RateLimiter } from "../rate-limit.js";
import type { Step } from "./exchange.js";
import type { Refuse } from "./refuse.js";

/** Requests per principal (../rate-limit.ts): counted before the response cache, since the limit is about the client. */
export function rateLimit(limiter: RateLimiter | undefined, refuse: Refuse): Step {
  if (!limiter) return (next) => next;
  return (next) => async (x) => {
    const refusal = x.principal ? await limiter.refusal(x.principal) : undefined;
    if (refusal) return refuse(x, refusal);
    return next(x);
  };
}

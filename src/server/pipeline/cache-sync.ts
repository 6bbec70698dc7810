import type { Step } from "./exchange.js";

/** What other replicas changed (Redis), and when this one's own changes are known to them; see HttpServerOptions. */
export interface CacheSync {
  before(): Promise<boolean>;
  after(): Promise<void>;
}

/**
 * Applies what other replicas changed to this one's caches before any of them is read. When that could not be
 * learned, no cache is used for this request (neither the response cache nor, through the operation's scope, the
 * source cache), so it cannot serve what another replica already changed.
 */
export function syncCaches(sync: CacheSync | undefined): Step {
  if (!sync) return (next) => next;
  return (next) => async (x) => {
    x.cachesUsable = await sync.before();
    return next(x);
  };
}

/**
 * On the way back from an executed operation: waits until this replica's own changes are published, so a mutation's
 * answer is sent only once every replica will see its effect.
 */
export function publishChanges(sync: CacheSync | undefined): Step {
  if (!sync) return (next) => next;
  return (next) => async (x) => {
    await next(x);
    if (x.answer) await sync.after();
  };
}

import { operationScope as scopeOf, runInOperation } from "../../domain/operation-context.js";
import type { Step } from "./exchange.js";

/**
 * The operation's scope (src/domain/operation-context.ts): every upstream call made for it sees its deadline, and
 * stops if the client hangs up. A close after the answer was sent is not the client going away: aborting then only
 * made an AbortError for nothing.
 */
export function operationScope(deadlineMs: number): Step {
  return (next) => (x) => {
    const { res } = x;
    const clientGone = new AbortController();
    const scope = scopeOf(deadlineMs, clientGone.signal);
    res.once("close", () => {
      if (!res.writableFinished) clientGone.abort();
      scope.end();
    });
    if (!x.cachesUsable) scope.cacheBypass = true;
    x.scope = scope;
    return runInOperation(scope, () => Promise.resolve(next(x)));
  };
}

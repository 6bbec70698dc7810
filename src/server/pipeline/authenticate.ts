import type { IncomingMessage } from "node:http";
import type { Principal } from "../../auth/principal.js";
import { currentRequest } from "../../domain/operation-context.js";
import type { Step } from "./exchange.js";

/**
 * Who is asking. Before the response cache (the principal is part of its key) and the rate limit (counted per
 * principal). A refusal is not answered here: it is the error the operation answers with when it would start, after
 * the request's own checks (CSRF prevention first), as for any request error.
 */
export function authenticate(check: (req: IncomingMessage) => Promise<Principal>): Step {
  return (next) => async (x) => {
    const principal = await check(x.req).catch((error: unknown) => void (x.authError = error));
    if (principal) {
      x.principal = principal;
      currentRequest()!.principalId = principal.id;
    }
    return next(x);
  };
}

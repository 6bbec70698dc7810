import type { Principal } from "../../auth/principal.js";
import type { Logger } from "../../logger.js";
import type { HttpTelemetry } from "../../observability/telemetry.js";
import { applyTrustedDocuments, namesDocument, type TrustedDocumentLookup, type TrustedDocumentsRequest } from "../trusted-documents.js";
import type { Exchange, Step } from "./exchange.js";
import { parsedBody } from "./parse-body.js";
import type { Refuse } from "./refuse.js";

export interface TrustedDocumentsDeps {
  lookup: TrustedDocumentLookup | undefined;
  telemetry: HttpTelemetry | undefined;
  logger: Logger;
  refuse: Refuse;
}

/**
 * API keys' trusted documents (../trusted-documents.ts): a document named by id is put in the request, and a locked
 * key's document outside its list refused. In two places, one for each kind of caller:
 * - `before the cache`, for a key with documents (locked or published): what a locked one may run can change after
 *   an answer was cached (a lock, a replaced list), so the check is only ever as stale as the store; and an unlocked
 *   one's operations outside its list are counted whether their answers were cached or not;
 * - `after the cache`, for everyone else: a cached answer costs no lookup.
 */
export function trustedDocuments(placement: "before the cache" | "after the cache", deps: TrustedDocumentsDeps): Step {
  const lookup = deps.lookup ?? NO_DOCUMENTS;
  const here = (principal: Principal | undefined) =>
    withDocuments(principal) ? placement === "before the cache" : placement === "after the cache";
  return (next) => (x) => {
    if (!here(x.principal)) return next(x);
    const unparsable = parsedBody(x);
    if (unparsable) return deps.refuse(x, unparsable);
    // Nothing to look up (most requests): a caller without documents that names none by id.
    if (!x.principal || (!withDocuments(x.principal) && !namesDocument(requestOf(x)))) return next(x);
    return check(x, x.principal).then((refusal) => (refusal ? deps.refuse(x, refusal) : next(x)));
  };

  async function check(x: Exchange, principal: Principal) {
    const verdict = await applyTrustedDocuments(principal, requestOf(x), lookup);
    for (const { apiKeyId, outcome, documentId, operationName } of verdict.outcomes) {
      deps.telemetry?.trustedDocument(apiKeyId, outcome);
      // What an operator reads before locking a key: which of its client's operations the lock would refuse.
      if (outcome === "outside")
        deps.logger.info(
          { apiKeyId, documentId, operationName },
          "operation outside the API key's trusted documents (the key is not locked)",
        );
    }
    return verdict.refusal;
  }
}

/** The operation parameters as ../trusted-documents.ts reads them: a GET's URL parameters, a POST's parsed body. */
function requestOf(x: Exchange): TrustedDocumentsRequest {
  return x.req.method === "GET" ? { search: x.url.searchParams } : { payload: x.body };
}

function withDocuments(principal: Principal | undefined): boolean {
  return principal?.documents?.locked === true || principal?.documents?.published === true;
}

/** Where no store backs trusted documents (tests of the HTTP layer alone): no key has any. */
const NO_DOCUMENTS: TrustedDocumentLookup = { body: async () => null, has: async () => false };

/**
 * The error codes clients see in `extensions.code`. They are public API: add with intention, never rename.
 * Codes prefixed UPSTREAM_ describe a vendor's behaviour towards the gateway (an operator's problem), never the
 * client's own request; they always come with `extensions.source`.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: "The request is malformed or a value is out of range; nothing was sent to any vendor.",
  OPERATION_LIMIT_EXCEEDED:
    "The request exceeds one of the server's limits against abusive operations; `extensions.limit` names it " +
    "(the `server.limits` key: maxDepth, maxAliases, maxTokens, maxCost, maxDirectives, maxBatch, maxBodyBytes, " +
    "maxVariableDepth, maxVariableValues, maxResolvedFields). Refused before execution, HTTP 400 (413 for " +
    "maxBodyBytes); maxResolvedFields stops an operation while it runs: HTTP 200, `data: null`, this one error.",
  INTROSPECTION_DISABLED:
    "The operation asks for __schema or __type, and introspection is off on this server (production mode unless " +
    "`server.introspection` turns it on). Nothing was executed. HTTP 400.",
  RATE_LIMITED:
    "The client (its API key or JWT subject) sent more requests than `server.rateLimit` allows. Refused before " +
    "anything ran: HTTP 429 with a Retry-After header saying how many seconds until the next request is admitted.",
  SERVER_BUSY:
    "The gateway has as many operations running and waiting as `server.admission` allows, or this one waited longer " +
    "than `server.admission.maxWaitMs` for its turn. Nothing ran. HTTP 503 with a Retry-After header (seconds).",
  SUBSCRIPTION_LIMIT_REACHED:
    "The principal already has as many license event streams open on this gateway replica as " +
    "`subscriptions.maxConnectionsPerPrincipal` allows. Nothing was opened. HTTP 429; close a stream or reuse one.",
  SUBSCRIBER_TOO_SLOW:
    "A `licenseEvents` subscriber read so slowly that its buffer (`subscriptions.bufferSize`) overflowed, and overflowed " +
    "again before it had caught up from the store: its stream ends with this error. Nothing is lost: subscribe again " +
    "with `after` set to the last cursor received (an EventSource does so by itself with Last-Event-ID).",
  PERSISTED_QUERY_NOT_IN_LIST:
    "The request names a document by id (`documentId`, or an APQ hash from a locked key) that the calling API key has " +
    "not published as a trusted document. Nothing was executed. HTTP 400 (not 404, which caches would keep).",
  QUERY_NOT_IN_SAFELIST:
    "The API key is locked to its trusted documents and the request's document is not one of them (matched by the " +
    "SHA-256 of its exact text). Nothing was executed. HTTP 403.",
  UNAUTHENTICATED: "The client did not authenticate to the gateway.",
  FORBIDDEN: "The client may not see or change this object.",
  NOT_FOUND: "The object does not exist at its source (a vendor 404 is reported this way).",
  CONFLICT: "The change contradicts the gateway's own data (for example an account already mapped to another customer).",
  LICENSE_ALREADY_ACTIVATED: "The license was activated before; activation is one-way.",
  LICENSE_ALREADY_CLAIMED: "The license is already linked to a controller.",
  LICENSE_BLOCKED: "The source has blocked the license; it cannot be used or claimed.",
  LICENSE_CLAIM_LIMIT_REACHED: "The license is claimed for as many controllers as it allows.",
  LICENSE_NOT_CLAIMED: "The license is not claimed for that controller, so there is nothing to release.",
  DEMO_LIMIT_REACHED: "The customer has had as many free demo licenses as the vendor allows (two, at Customerarea).",
  INSUFFICIENT_CREDIT: "The reseller's credit at the vendor does not cover the price.",
  UNSUPPORTED_BY_SOURCE: "The source's vendor has no such operation.",
  UPSTREAM_TIMEOUT: "The vendor did not answer in time.",
  UPSTREAM_UNAVAILABLE: "The vendor could not be reached or answered with a server error (5xx).",
  UPSTREAM_BAD_RESPONSE: "The vendor answered with a body the gateway could not understand or that was too large.",
  UPSTREAM_UNAUTHENTICATED: "The vendor refused the gateway's own credentials (check the source's configuration).",
  UPSTREAM_FORBIDDEN: "The vendor accepted the gateway's credentials but denied it this object or operation.",
  UPSTREAM_RATE_LIMITED: "The vendor asked the gateway to slow down (HTTP 429).",
  UPSTREAM_REJECTED: "The vendor refused a request the gateway considered valid (an unexpected 4xx).",
  INTERNAL_SERVER_ERROR: "Anything else. Details are logged, never returned.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

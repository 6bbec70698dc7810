import type { ErrorCode } from "../errors/codes.js";
import { GatewayError } from "../errors/gateway-error.js";
import { retryAfterSeconds, type HttpClient } from "./http.js";
import type { UpstreamResponse } from "./upstream-exchange.js";

/**
 * Turning a vendor's answer into the gateway's error. The rule: a client's error says what happened in the
 * gateway's own words (the code, the source, the operation, the status); what the vendor said goes to the log,
 * scrubbed of credentials (vendor-text.ts), once per error, with the request id. A vendor's text may echo a token,
 * a password, an internal URL or a stack trace, and it is not the gateway's to pass on.
 *
 * Adapters may still branch on a vendor's words inside their folder (Cryptolens says "Could not find the key."
 * for a missing key); they never put them in a message.
 */

/** Logs what the vendor said in `res`, which became an error with `code`. `said` defaults to the whole body. */
export function noteVendorAnswer(client: HttpClient, res: UpstreamResponse, code: ErrorCode, said: string = res.text): void {
  client.telemetry.vendorError({
    source: client.source,
    method: res.method,
    endpoint: res.endpoint,
    status: res.status,
    code,
    vendorSaid: client.scrub(said),
  });
}

export interface AnswerErrorOptions {
  /** The client's input the answer is about, when the adapter can tell. */
  field?: string[] | undefined;
  /** What to log as the vendor's words, when not the whole body (a decoder's complaint about it). */
  said?: string | undefined;
  retryAfterSeconds?: number | undefined;
}

/** The GatewayError for a vendor answer, with `message` in the gateway's words; the vendor's words are logged. */
export function answerError(
  client: HttpClient,
  res: UpstreamResponse,
  code: ErrorCode,
  message: string,
  options: AnswerErrorOptions = {},
): GatewayError {
  noteVendorAnswer(client, res, code, options.said);
  return new GatewayError(code, message, {
    source: client.source,
    upstreamStatus: res.status,
    ...(options.field ? { field: options.field } : {}),
    ...(options.retryAfterSeconds !== undefined ? { retryAfterSeconds: options.retryAfterSeconds } : {}),
  });
}

/** The default meaning of a vendor status for the gateway; the gateway's own HTTP status never mirrors it. */
export function codeOfStatus(status: number): ErrorCode {
  if (status === 401) return "UPSTREAM_UNAUTHENTICATED";
  if (status === 403) return "UPSTREAM_FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 429) return "UPSTREAM_RATE_LIMITED";
  if (status >= 500) return "UPSTREAM_UNAVAILABLE";
  if (status >= 400) return "UPSTREAM_REJECTED";
  return "UPSTREAM_BAD_RESPONSE";
}

/** One fixed sentence per code: what the source did, never why in its own words. */
const SENTENCES: Partial<Record<ErrorCode, string>> = {
  UPSTREAM_UNAUTHENTICATED: "refused the gateway's credentials",
  UPSTREAM_FORBIDDEN: "denied the gateway this operation",
  NOT_FOUND: "has no such object",
  UPSTREAM_RATE_LIMITED: "asked the gateway to slow down",
  UPSTREAM_UNAVAILABLE: "failed with a server error",
  UPSTREAM_REJECTED: "refused the request the gateway sent",
  UPSTREAM_BAD_RESPONSE: "answered with a status the gateway does not expect",
};

/**
 * The error for a vendor status, by its default meaning. Adapters call this after handling the statuses their
 * vendor gives a meaning of its own. `what` names the operation ("license list", "key/GetKey"); the message reads
 * e.g. "sofar failed with a server error (license list: HTTP 503)".
 */
export function statusError(client: HttpClient, res: UpstreamResponse, what: string): GatewayError {
  const code = codeOfStatus(res.status);
  return answerError(client, res, code, `${client.source} ${SENTENCES[code]!} (${what}: HTTP ${res.status})`, {
    retryAfterSeconds: retryAfterSeconds(res.headers["retry-after"]),
  });
}

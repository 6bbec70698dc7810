import type { ErrorCode } from "../../errors/codes.js";
import type { GatewayError } from "../../errors/gateway-error.js";
import type { HttpClient } from "../http.js";
import type { UpstreamResponse } from "../upstream-exchange.js";
import { answerError, statusError } from "../vendor-answer.js";

/** What an error is about, for its message and its field. */
export interface FailureContext {
  /** The source's client: its id names the source, and it logs what the vendor said (token redacted). */
  client: HttpClient;
  /** The vendor method, e.g. "key/Activate". */
  method: string;
  productId: number;
  key?: string | undefined;
  customerId?: string | undefined;
}

interface Meaning {
  code: ErrorCode;
  /** The message is about the key the client gave: the error then names the `key` input field. */
  aboutKey?: true;
  describe(ctx: FailureContext): string;
}

/**
 * Cryptolens signals errors only by message text (`{"result":1,"message":"..."}`, on any HTTP status), so this
 * table is the one place in the gateway that branches on a vendor's message. The messages are the documented ones
 * (docs/vendors/cryptolens.md), compared exactly after trimming and ignoring case. A message decides the code; the
 * client's message is the table's own sentence, and the vendor's words are logged, never repeated.
 */
const MESSAGES = new Map<string, Meaning>(
  Object.entries({
    "unable to authenticate.": {
      code: "UPSTREAM_UNAUTHENTICATED",
      describe: (c) => `${c.method}: Cryptolens refused the configured access token (check the source's token)`,
    },
    "access denied.": {
      code: "UPSTREAM_FORBIDDEN",
      describe: (c) => `${c.method}: the configured access token may not do this (check its permissions and product)`,
    },
    // The gateway validated its input before sending, so the vendor disagreeing is its refusal, not the client's.
    "the input parameters were incorrect.": {
      code: "UPSTREAM_REJECTED",
      describe: (c) => `${c.method}: Cryptolens refused the parameters the gateway sent`,
    },
    "the secret was not specified.": {
      code: "UPSTREAM_REJECTED",
      describe: (c) => `${c.method}: Cryptolens expected a customer secret`,
    },
    // The product comes from the source's configuration: an operator's problem, never the client's.
    "could not find the product.": {
      code: "UPSTREAM_REJECTED",
      describe: (c) => `${c.method}: Cryptolens does not know product ${c.productId} (check the source's productId)`,
    },
    "customer does not exist.": {
      code: "NOT_FOUND",
      describe: (c) => `Cryptolens has no customer ${c.customerId ?? "(not given)"}`,
    },
    "could not find the key.": {
      code: "NOT_FOUND",
      aboutKey: true,
      describe: (c) => `no license with key ${c.key ?? "(not given)"} in Cryptolens product ${c.productId}`,
    },
    "the key is blocked and cannot be accessed.": {
      code: "LICENSE_BLOCKED",
      aboutKey: true,
      describe: (c) => `license ${c.key ?? "(not given)"} is blocked at Cryptolens`,
    },
    "cannot activate the new device as the limit has been reached.": {
      code: "LICENSE_CLAIM_LIMIT_REACHED",
      aboutKey: true,
      describe: (c) => `license ${c.key ?? "(not given)"} is already claimed for as many controllers as it allows`,
    },
  } satisfies Record<string, Meaning>),
);

/** The gateway code for a documented vendor message; undefined for any other text. */
export function codeOfMessage(message: string | null | undefined): ErrorCode | undefined {
  return meaningOf(message)?.code;
}

/**
 * The GatewayError for a vendor answer that is not a success. `message` is the body's `message` when the body
 * was a Cryptolens envelope, undefined otherwise. A documented message decides the code whatever the HTTP
 * status; otherwise a non-2xx status has its shared meaning (`statusError`) except 404, and a 2xx with
 * `result` 1 is the vendor refusing the request.
 */
export function cryptolensError(ctx: FailureContext, res: UpstreamResponse, message: string | null | undefined): GatewayError {
  const { client } = ctx;
  const meaning = meaningOf(message);
  if (meaning) {
    return answerError(client, res, meaning.code, meaning.describe(ctx), {
      field: meaning.aboutKey && ctx.key !== undefined ? ["input", "key"] : undefined,
    });
  }
  // Cryptolens says "not found" in words (above); a bare 404 means the method path does not exist, so the
  // configured url is wrong. Read as the shared NOT_FOUND it would turn a lookup into a false "no such license".
  if (res.status === 404) {
    return answerError(client, res, "UPSTREAM_REJECTED", `${ctx.method} answered HTTP 404: no such method (check the source's url)`);
  }
  if (res.status < 200 || res.status >= 300) return statusError(client, res, ctx.method);
  // An undocumented message on a success status: the vendor refused, in words the gateway does not know.
  return answerError(
    client,
    res,
    "UPSTREAM_REJECTED",
    `${client.source} refused the request the gateway sent (${ctx.method}, an undocumented answer)`,
  );
}

function meaningOf(message: string | null | undefined): Meaning | undefined {
  // A Map, not an object: a message such as "constructor" must not find a prototype's property.
  return message ? MESSAGES.get(message.trim().toLowerCase()) : undefined;
}

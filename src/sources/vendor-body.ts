import type { z } from "zod";
import type { HttpClient } from "./http.js";
import type { UpstreamResponse } from "./upstream-exchange.js";
import { decode } from "./lenient.js";
import { answerError } from "./vendor-answer.js";

/**
 * Reading a vendor's body: anything unexpected is the vendor's fault (UPSTREAM_BAD_RESPONSE), never a crash. The
 * client's message names the operation and where in the body it went wrong (a path of the decoder's field names
 * and indexes); the vendor's value and zod's wording, which may quote it, go to the log only. A descriptive field
 * read leniently (lenient.ts) is counted and logged as drift instead of failing the answer.
 */
export function parseBody<T>(client: HttpClient, res: UpstreamResponse, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(res.text);
  } catch {
    throw answerError(client, res, "UPSTREAM_BAD_RESPONSE", `${client.source}: ${what}: the answer is not JSON`);
  }
  return decodeAnswer(client, res, value, schema, what);
}

/** `value` (the parsed body of `res`, or a part of it) decoded by `schema`, as `parseBody` does. */
export function decodeAnswer<T>(client: HttpClient, res: UpstreamResponse, value: unknown, schema: z.ZodType<T>, what: string): T {
  const { result, drift } = decode(schema, value);
  if (result.success) {
    for (const d of drift) client.telemetry.drifted({ source: client.source, endpoint: res.endpoint, ...d });
    return result.data;
  }
  const issue = result.error.issues[0];
  const where = issue ? pathOf(issue.path) : "(root)";
  throw answerError(
    client,
    res,
    "UPSTREAM_BAD_RESPONSE",
    `${client.source}: ${what}: the answer's ${where} ${issue ? problemOf(issue) : "has an unexpected shape"}`,
    {
      said: issue ? `${where}: ${issue.message}${"input" in issue ? `; got ${JSON.stringify(issue.input)}` : ""}` : res.text,
    },
  );
}

/** Where in the body: the decoder's own field names and indexes; a key only a vendor could have chosen is "{}". */
function pathOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((p) => (typeof p === "number" || (typeof p === "string" && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(p)) ? String(p) : "{}"))
    .join(".");
}

/** What is wrong, in the gateway's words: zod's messages may quote a value or a vendor's key. */
function problemOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return "input" in issue && issue.input === undefined ? "is missing" : `is not of the type expected (${issue.expected})`;
    case "invalid_value":
    case "invalid_union":
      return "is not one of the values the gateway knows";
    case "too_small":
    case "too_big":
      return "is out of the range expected";
    case "invalid_format":
      return "is not in the expected format";
    case "unrecognized_keys":
      return "has fields the gateway does not expect";
    default:
      // Custom checks (refine) are the gateway's own sentences, written to follow "the answer's <path>".
      return issue.code === "custom" ? issue.message : "is not what the gateway expects";
  }
}

/**
 * `value` decoded by `schema` when it has the shape, else undefined: for an answer whose shape decides what to do
 * next (eSmart's PATCH answers with the customer, or with anything else after which it is read back). Nothing is
 * logged for a value that does not fit; drift in one that does is reported as by `decodeAnswer`.
 */
export function decodeIfShaped<T>(client: HttpClient, res: UpstreamResponse, value: unknown, schema: z.ZodType<T>): T | undefined {
  const { result, drift } = decode(schema, value);
  if (!result.success) return undefined;
  for (const d of drift) client.telemetry.drifted({ source: client.source, endpoint: res.endpoint, ...d });
  return result.data;
}

import type { ErrorCode } from "../../errors/codes.js";
import { FieldProblemsError, GatewayError } from "../../errors/gateway-error.js";
import { statusError, type UpstreamResponse } from "../http.js";
import type { FieldProblem } from "../source.js";
import { messageBody, validationBody } from "./vendor-types.js";

/** The vendor's operations, named by their path below the base URL (customerarea.md "Endpoints"). */
export type Operation = "licenses" | "licenses/available" | "licenses/demo" | "licenses/bulk" | "licenses/renew" | "licenses/delete";

/** What an error is about, for its message. */
export interface FailureContext {
  source: string;
  operation: Operation;
  /** e.g. "customer 5001, licence 1001". */
  subject: string;
  /** The configured API key: scrubbed from any vendor text that reaches a message. */
  apiKey: string;
}

interface InputPaths {
  /** Where a parameter without its own entry points: the whole input (mutations) or the whole field (reads). */
  whole: string[];
  fields: Readonly<Record<string, string[]>>;
}

/**
 * Vendor parameter → the GraphQL input it came from, per operation, so a vendor's per-field refusal names the
 * client's own field. Reads have no `input`: `licenses/available` takes the arguments of `Customer.availableLicenses`,
 * and `customer_code` always comes from the gateway's account mapping. Renew and delete take the customer and the
 * licence from the licence the client named, so both point at `licenseId`.
 */
const INPUT_PATHS: Readonly<Record<Operation, InputPaths>> = {
  licenses: { whole: [], fields: {} },
  "licenses/available": {
    whole: [],
    fields: { lang: ["lang"], version_code: ["version"], license_duration: ["durationMonths"], license_code: ["code"], currency_code: ["currency"] },
  },
  "licenses/demo": {
    whole: ["input"],
    fields: { customer_code: ["input", "customerId"], lang: ["input", "lang"], accept_notifications: ["input", "acceptNotifications"] },
  },
  "licenses/bulk": {
    whole: ["input"],
    fields: {
      customer_code: ["input", "customerId"],
      license_code: ["input", "offerCode"],
      license_info: ["input", "info"],
      accept_notifications: ["input", "acceptNotifications"],
      currency_code: ["input", "currency"],
    },
  },
  "licenses/renew": { whole: ["input"], fields: { license_id: ["input", "licenseId"], customer_code: ["input", "licenseId"] } },
  "licenses/delete": { whole: ["input"], fields: { license_id: ["input", "licenseId"], customer_code: ["input", "licenseId"] } },
};

/** The input a 404 (unknown customer or licence) is about. */
const NOT_FOUND_FIELD: Readonly<Partial<Record<Operation, string[]>>> = {
  "licenses/demo": ["input", "customerId"],
  "licenses/bulk": ["input", "customerId"],
  "licenses/renew": ["input", "licenseId"],
  "licenses/delete": ["input", "licenseId"],
};

/**
 * The two documented product rules ("at most 2 free trials per customer", "a bulk licence needs enough credit") come
 * without their answer. Inferred: a validation body keyed by the rule instead of a parameter, e.g.
 * `{"errors":{"demo":["..."]}}` or `{"errors":{"credit":["..."]}}`. The key decides, never the text.
 */
const RULE_KEYS: ReadonlyMap<string, { code: ErrorCode; field?: string[] }> = new Map([
  ["demo", { code: "DEMO_LIMIT_REACHED", field: ["input", "customerId"] }],
  ["demos", { code: "DEMO_LIMIT_REACHED", field: ["input", "customerId"] }],
  ["trial", { code: "DEMO_LIMIT_REACHED", field: ["input", "customerId"] }],
  ["trials", { code: "DEMO_LIMIT_REACHED", field: ["input", "customerId"] }],
  ["credit", { code: "INSUFFICIENT_CREDIT" }],
  ["balance", { code: "INSUFFICIENT_CREDIT" }],
]);

/**
 * The one place this adapter reads a vendor's message text: should the vendor key a rule's refusal under
 * `customer_code` rather than by the rule, only the words tell "demo limit" or "no credit" from a bad parameter.
 * Limited to the operations the rule belongs to, so an ordinary field error is never misread.
 */
const RULE_WORDS: ReadonlyArray<{ operations: readonly Operation[]; words: RegExp; code: ErrorCode; field?: string[] }> = [
  { operations: ["licenses/demo"], words: /\b(?:demo|trial)s?\b/i, code: "DEMO_LIMIT_REACHED", field: ["input", "customerId"] },
  { operations: ["licenses/bulk", "licenses/renew"], words: /\b(?:credit|balance)\b/i, code: "INSUFFICIENT_CREDIT" },
];

const RULE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  DEMO_LIMIT_REACHED: "the customer has had as many free demo licences as Customerarea allows",
  INSUFFICIENT_CREDIT: "the reseller's credit at Customerarea does not cover the price",
};

/** The vendor's validation answer (documented as HTTP 500, or Laravel's 422): about the request, not an outage. */
export function isValidationAnswer(res: UpstreamResponse): boolean {
  if (res.status !== 500 && res.status !== 422) return false;
  const validation = validationBody.safeParse(json(res.text));
  return validation.success && Object.keys(validation.data.errors).length > 0;
}

/**
 * The GatewayError for a vendor answer that is not a success:
 * - a validation body (documented as HTTP 500; Laravel's own 422 read the same) → a rule's code (RULE_KEYS,
 *   RULE_WORDS), else FieldProblemsError (BAD_USER_INPUT) with one problem per vendor field at its GraphQL path;
 * - 401 → UPSTREAM_UNAUTHENTICATED (the configured key; never quoted);
 * - 404 → NOT_FOUND (inferred: an unknown customer or licence);
 * - anything else, a 500 without `errors` included → the shared meaning of its status (`statusError`).
 */
export function customerareaError(ctx: FailureContext, res: UpstreamResponse): GatewayError {
  const { source, operation } = ctx;
  const upstreamStatus = res.status;
  const body = json(res.text);
  const validation = validationBody.safeParse(body);
  if (isValidationAnswer(res) && validation.success) return validationError(ctx, upstreamStatus, validation.data.errors);
  const parsed = messageBody.safeParse(body);
  const message = parsed.success ? scrub(parsed.data.message, ctx.apiKey).slice(0, 200) : undefined;
  if (res.status === 401) {
    return new GatewayError("UPSTREAM_UNAUTHENTICATED", `${operation}: Customerarea refused the configured API key (check the source's apiKey)`, {
      source,
      upstreamStatus,
    });
  }
  if (res.status === 404) {
    const field = NOT_FOUND_FIELD[operation];
    return new GatewayError("NOT_FOUND", `${operation}: ${message ?? "not found"} (${ctx.subject})`, { source, upstreamStatus, ...(field ? { field } : {}) });
  }
  return statusError(source, res, operation, message);
}

function validationError(ctx: FailureContext, upstreamStatus: number, errors: Record<string, string[]>): GatewayError {
  const { source, operation } = ctx;
  const entries = Object.entries(errors).map(([field, messages]) => [field, scrub(messages.join(" "), ctx.apiKey).slice(0, 300)] as const);
  for (const [field, text] of entries) {
    const rule =
      RULE_KEYS.get(field.toLowerCase()) ??
      (field === "customer_code" ? RULE_WORDS.find((r) => r.operations.includes(operation) && r.words.test(text)) : undefined);
    if (rule) {
      return new GatewayError(rule.code, `${RULE_MESSAGES[rule.code] ?? operation} (${ctx.subject}): ${text}`, {
        source,
        upstreamStatus,
        ...(rule.field ? { field: rule.field } : {}),
      });
    }
  }
  const paths = INPUT_PATHS[operation];
  // hasOwn: a vendor field named "constructor" must not find the prototype's.
  const pathOf = (field: string) => (Object.hasOwn(paths.fields, field) ? paths.fields[field]! : paths.whole);
  const problems: FieldProblem[] = entries.map(([field, text]) => ({ field: pathOf(field), message: text || `${field} is invalid` }));
  return new FieldProblemsError(problems, { source, upstreamStatus });
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function scrub(text: string, secret: string): string {
  return secret.length > 0 ? text.split(secret).join("***") : text;
}

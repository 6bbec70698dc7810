import type { ErrorCode } from "../../errors/codes.js";
import { FieldProblemsError, type GatewayError } from "../../errors/gateway-error.js";
import type { HttpClient } from "../http.js";
import type { UpstreamResponse } from "../upstream-exchange.js";
import type { FieldProblem } from "../source.js";
import { answerError, noteVendorAnswer, statusError } from "../vendor-answer.js";
import { validationBody } from "./vendor-types.js";

/** The vendor's operations, named by their path below the base URL (docs/vendors/customerarea.md "Endpoints"). */
export type Operation = "licenses" | "licenses/available" | "licenses/demo" | "licenses/bulk" | "licenses/renew" | "licenses/delete";

/** What an error is about, for its message. */
export interface FailureContext {
  /** The source's client: its id names the source, and it logs what the vendor said (API key redacted). */
  client: HttpClient;
  operation: Operation;
  /** e.g. "customer 5001, licence 1001". */
  subject: string;
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
    fields: {
      lang: ["lang"],
      version_code: ["version"],
      license_duration: ["durationMonths"],
      license_code: ["code"],
      currency_code: ["currency"],
    },
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

/** What each vendor parameter is, in the client's terms, for the gateway's sentences. */
const PARAMETER_NAMES: Readonly<Record<string, string>> = {
  customer_code: "customer",
  lang: "language",
  version_code: "version",
  license_duration: "duration",
  license_code: "offer code",
  license_info: "licence info",
  currency_code: "currency",
  accept_notifications: "notification choice",
  license_id: "licence",
};

/**
 * The kinds of refusal Laravel's validation messages state ("The license code field is required.", "The selected
 * currency code is invalid.", "The customer code must be a number.", "The license info must not be greater than
 * 255 characters.", and the vendor's own "The license cannot be renewed (...)"), each as the gateway says it. The
 * first kind whose words match decides; anything else is a plain refusal of that parameter.
 */
const KINDS: ReadonlyArray<{ words: RegExp; says: (name: string) => string }> = [
  { words: /\brequired\b/i, says: (name) => `Customerarea requires the ${name}` },
  { words: /\bcannot be renewed\b/i, says: () => "the licence cannot be renewed in its current state" },
  {
    words: /\bmust be (?:an? )?(?:number|integer|numeric|string|true or false|boolean)\b/i,
    says: (name) => `the ${name} is not of the type Customerarea expects`,
  },
  { words: /\b(?:greater than|too long|at most|maximum)\b/i, says: (name) => `the ${name} is longer than Customerarea accepts` },
  { words: /\b(?:invalid|not found|does not exist|unknown|not available)\b/i, says: (name) => `Customerarea does not accept this ${name}` },
];

/**
 * The gateway's sentence for a vendor's refusal of one parameter. Decided: a field-level refusal is useful to the
 * client (which of its inputs to change), but the vendor's free text is not the gateway's to pass on (it may echo
 * anything, and Customerarea's messages are Laravel's, not a contract), so the client gets the field and a sentence
 * of the gateway's chosen by the kind of refusal, and the vendor's words go to the log.
 */
function sentenceFor(parameter: string, said: string): string {
  const name = Object.hasOwn(PARAMETER_NAMES, parameter) ? PARAMETER_NAMES[parameter]! : undefined;
  if (name === undefined) return "Customerarea refused the request";
  return KINDS.find((kind) => kind.words.test(said))?.says(name) ?? `Customerarea refused the ${name}`;
}

/** The vendor's validation answer (documented as HTTP 500, or Laravel's 422): about the request, not an outage. */
export function isValidationAnswer(res: UpstreamResponse): boolean {
  if (res.status !== 500 && res.status !== 422) return false;
  const validation = validationBody.safeParse(json(res.text));
  return validation.success && Object.keys(validation.data.errors).length > 0;
}

/**
 * The GatewayError for a vendor answer that is not a success, in the gateway's words (the vendor's are logged):
 * - a validation body (documented as HTTP 500; Laravel's own 422 read the same) → a rule's code (RULE_KEYS,
 *   RULE_WORDS), else FieldProblemsError (BAD_USER_INPUT) with one problem per vendor field at its GraphQL path,
 *   each with the gateway's sentence for it (`sentenceFor`);
 * - 401 → UPSTREAM_UNAUTHENTICATED (the configured key; never quoted);
 * - 404 → NOT_FOUND (inferred: an unknown customer or licence);
 * - anything else, a 500 without `errors` included → the shared meaning of its status (`statusError`).
 */
export function customerareaError(ctx: FailureContext, res: UpstreamResponse): GatewayError {
  const { client, operation } = ctx;
  const validation = validationBody.safeParse(json(res.text));
  if (isValidationAnswer(res) && validation.success) return validationError(ctx, res, validation.data.errors);
  if (res.status === 401) {
    return answerError(
      client,
      res,
      "UPSTREAM_UNAUTHENTICATED",
      `${operation}: Customerarea refused the configured API key (check the source's apiKey)`,
    );
  }
  if (res.status === 404) {
    return answerError(client, res, "NOT_FOUND", `${operation}: Customerarea has no such customer or licence (${ctx.subject})`, {
      field: NOT_FOUND_FIELD[operation],
    });
  }
  return statusError(client, res, operation);
}

function validationError(ctx: FailureContext, res: UpstreamResponse, errors: Record<string, string[]>): GatewayError {
  const { client, operation } = ctx;
  const entries = Object.entries(errors).map(([field, messages]) => [field, messages.join(" ")] as const);
  for (const [field, text] of entries) {
    const rule =
      RULE_KEYS.get(field.toLowerCase()) ??
      (field === "customer_code" ? RULE_WORDS.find((r) => r.operations.includes(operation) && r.words.test(text)) : undefined);
    if (rule)
      return answerError(client, res, rule.code, `${RULE_MESSAGES[rule.code] ?? operation} (${ctx.subject})`, { field: rule.field });
  }
  const paths = INPUT_PATHS[operation];
  // hasOwn: a vendor field named "constructor" must not find the prototype's.
  const pathOf = (field: string) => (Object.hasOwn(paths.fields, field) ? paths.fields[field]! : paths.whole);
  const problems = new Map<string, FieldProblem>();
  for (const [field, text] of entries) {
    const problem = { field: pathOf(field), message: sentenceFor(field, text) };
    problems.set(`${problem.field.join(".")}\u0000${problem.message}`, problem);
  }
  noteVendorAnswer(client, res, "BAD_USER_INPUT");
  return new FieldProblemsError([...problems.values()], { source: client.source, upstreamStatus: res.status });
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

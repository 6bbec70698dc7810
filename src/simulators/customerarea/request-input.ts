import type { IncomingMessage } from "node:http";
import { parseJson, readBody } from "../http-kit.js";

/**
 * Where a request's parameters come from, and how they are checked. The vendor's examples send a JSON body even
 * on GET (docs/vendors/documents/customerarea.txt, documented); the simulator also reads the query string. Both are merged the way Laravel's
 * `$request->input()` merges them: the body wins over the query for a key present in both.
 */

/** Customerarea bodies are a handful of fields; anything near this is a client bug. */
const BODY_LIMIT_BYTES = 64 * 1024;

export type InputSource = "body" | "query" | "both" | "none";

/** What the simulator saw of one request's parameters (the API key is never recorded, only whether it came). */
export interface CustomerareaInputRecord {
  method: string;
  path: string;
  /** Which carried at least one parameter: the JSON (or form) body, the query string, both, or neither. */
  source: InputSource;
  bodyKeys: string[];
  queryKeys: string[];
  /** The merged parameters, as the routes saw them. */
  params: Record<string, unknown>;
  apiKey: boolean;
}

export interface RequestInput {
  params: Record<string, unknown>;
  record: CustomerareaInputRecord;
}

/**
 * Reads the body and merges it with the query. A body that is not valid JSON, or is JSON but not an object,
 * counts as no parameters at all (Laravel's behaviour: the request then fails validation on its required
 * fields, it is not a 400). A form-encoded body is read too, as Laravel reads it.
 */
export async function readInput(req: IncomingMessage, url: URL): Promise<RequestInput> {
  const text = await readBody(req, BODY_LIMIT_BYTES);
  const body = parseBody(text, req.headers["content-type"] ?? "");
  const query = Object.fromEntries(url.searchParams);
  const bodyKeys = Object.keys(body);
  const queryKeys = Object.keys(query);
  const params = { ...query, ...body };
  const source: InputSource =
    bodyKeys.length > 0 && queryKeys.length > 0 ? "both" : bodyKeys.length > 0 ? "body" : queryKeys.length > 0 ? "query" : "none";
  return {
    params,
    record: {
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname,
      source,
      bodyKeys,
      queryKeys,
      params: structuredClone(params),
      apiKey: req.headers["x-api-key"] !== undefined,
    },
  };
}

function parseBody(text: string, contentType: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType)) return Object.fromEntries(new URLSearchParams(text));
  // No content type is read as JSON: a GET with a body often comes without one (the vendor's curl examples).
  if (contentType !== "" && !/[/+]json\b/i.test(contentType)) return {};
  const parsed = parseJson(text);
  if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) return {};
  return parsed.value as Record<string, unknown>;
}

// ---- validation, Laravel style -------------------------------------------------------------------------

/**
 * One field's rules. `numeric` takes numbers and numeric strings (Laravel `numeric`); `boolean` takes exactly
 * Laravel's set: true, false, 1, 0, "1", "0" (so "true" in a query string is refused, as Laravel refuses it);
 * `string` takes strings only; `oneOf` compares case-insensitively and yields the canonical (listed) spelling.
 */
export type FieldRule =
  | { type: "numeric"; required?: boolean }
  | { type: "boolean"; required?: boolean }
  | { type: "string"; required?: boolean; max?: number; oneOf?: readonly string[] };

type ValueOf<R extends FieldRule> = R extends { type: "numeric" }
  ? number
  : R extends { type: "boolean" }
    ? boolean
    : R extends { oneOf: readonly (infer U extends string)[] }
      ? U
      : string;
export type Validated<T extends Record<string, FieldRule>> = {
  [K in keyof T]: T[K] extends { required: true } ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

export type ValidationResult<T extends Record<string, FieldRule>> =
  { ok: true; values: Validated<T> } | { ok: false; errors: Record<string, string[]> };

/**
 * Checks every field and reports every failing one at once (Laravel collects all errors before answering), one
 * message per field: "required" first, then the type, then the rule. Strings are trimmed and an empty one counts
 * as missing (Laravel's TrimStrings and ConvertEmptyStringsToNull middleware). Unknown keys are ignored.
 */
export function validate<T extends Record<string, FieldRule>>(params: Record<string, unknown>, rules: T): ValidationResult<T> {
  const errors: Record<string, string[]> = {};
  const values: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(rules)) {
    const attribute = field.replaceAll("_", " ");
    const raw = normalise(params[field]);
    if (raw === null) {
      if (rule.required === true) errors[field] = [`The ${attribute} field is required.`];
      continue;
    }
    const checked = checkValue(raw, rule, attribute);
    if ("error" in checked) errors[field] = [checked.error];
    else values[field] = checked.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values: values as Validated<T> };
}

function normalise(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") {
    const trimmed = value.trim();
    return trimmed === "" ? null : trimmed;
  }
  return value;
}

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function checkValue(raw: unknown, rule: FieldRule, attribute: string): { value: unknown } | { error: string } {
  switch (rule.type) {
    case "numeric":
      if (typeof raw === "number" && Number.isFinite(raw)) return { value: raw };
      if (typeof raw === "string" && NUMERIC.test(raw)) return { value: Number(raw) };
      return { error: `The ${attribute} must be a number.` };
    case "boolean":
      if (raw === true || raw === 1 || raw === "1") return { value: true };
      if (raw === false || raw === 0 || raw === "0") return { value: false };
      return { error: `The ${attribute} field must be true or false.` };
    case "string": {
      if (typeof raw !== "string") return { error: `The ${attribute} must be a string.` };
      if (rule.max !== undefined && raw.length > rule.max)
        return { error: `The ${attribute} must not be greater than ${rule.max} characters.` };
      if (rule.oneOf !== undefined) {
        const canonical = rule.oneOf.find((option) => option.toLowerCase() === raw.toLowerCase());
        if (canonical === undefined) return { error: `The selected ${attribute} is invalid.` };
        return { value: canonical };
      }
      return { value: raw };
    }
  }
}

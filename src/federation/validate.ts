import { badInput } from "../errors/gateway-error.js";

/**
 * The one rule set for what a client names: ids, keys and names. Every id or key argument and input field is
 * checked here before it reaches the store or a vendor, so a value that can never exist costs no query and answers
 * BAD_USER_INPUT naming the field (never a store error: PostgreSQL refuses NUL in text).
 */

/** Vendor limits that every source shares: Eniris keys are 1..50 characters, the tightest of the vendors. */
export const MAX_KEY_LENGTH = 50;
export const MAX_NODE_ID_LENGTH = 100;
/** Names, and the ids the gateway keeps (customer ids, account ids): what upsertCustomer accepts. */
export const MAX_NAME_LENGTH = 200;
/** Any other id a client names (a license id, an API key id, a Node id): no id the gateway hands out is longer. */
export const MAX_ID_LENGTH = 256;

/**
 * C0 controls, DEL and C1 controls, which corrupt logs and vendor requests (and NUL fails the store); and lone
 * surrogates, which are not text at all: UTF-8 cannot encode them, so the store and each vendor would see something
 * else. With the `u` flag a surrogate pair is one code point, so only a lone half matches `\p{Cs}`.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;

/** `value` with each such character written out as `\uXXXX` text: for records that keep what a client sent. */
export function escapeForbiddenCharacters(value: string): string {
  return value.replace(new RegExp(FORBIDDEN.source, "gu"), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Whether `value` holds a string, at any depth, with a character no id, key or name may hold. */
export function holdsForbiddenCharacters(value: unknown): boolean {
  if (typeof value === "string") return FORBIDDEN.test(value);
  if (Array.isArray(value)) return value.some(holdsForbiddenCharacters);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsForbiddenCharacters);
  return false;
}

/** Its messages never quote the value: it is the client's own, and may be long or unprintable. */
export function checkText(value: string, field: string[], what: string, max: number): string {
  if (value.length === 0 || value.trim().length === 0) throw badInput(field, `${what} must not be empty`);
  if (value.length > max) throw badInput(field, `${what} has ${value.length} characters; at most ${max} are allowed`);
  if (FORBIDDEN.test(value)) throw badInput(field, `${what} must not contain control characters or unpaired surrogates`);
  if (value !== value.trim()) throw badInput(field, `${what} must not start or end with whitespace`);
  return value;
}

/**
 * License keys: the vendors' contracts give only a length (Eniris: 1..50 characters, docs/vendors/eniris.md); the
 * characters are whatever a vendor or the gateway issued, so only those no key may hold are refused.
 */
export const checkKey = (key: string, field = ["input", "key"]) => checkText(key, field, "a license key", MAX_KEY_LENGTH);
export const checkNodeId = (nodeId: string, field = ["input", "nodeId"]) =>
  checkText(nodeId, field, "a controller nodeId", MAX_NODE_ID_LENGTH);
export const checkCustomerId = (id: string, field: string[]) => checkText(id, field, "a customer id", MAX_NAME_LENGTH);
/** Ids the gateway hands out whole (License.id, an API key's id, a Node id): the same characters, a longer bound. */
export const checkId = (id: string, field: string[], what: string) => checkText(id, field, what, MAX_ID_LENGTH);

export function checkOptionalInt(value: number | null | undefined, field: string[], min: number, max: number): void {
  if (value === null || value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max)
    throw badInput(field, `must be an integer from ${min} to ${max}, got ${value}`);
}

import { badInput } from "../errors/gateway-error.js";

/** Vendor limits that every source shares: Eniris keys are 1..50 characters, the tightest of the vendors. */
export const MAX_KEY_LENGTH = 50;
export const MAX_NODE_ID_LENGTH = 100;
export const MAX_NAME_LENGTH = 200;

// Control characters never belong in an identifier and would corrupt logs and vendor requests.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function checkText(value: string, field: string[], what: string, max: number): string {
  if (value.length === 0 || value.trim().length === 0) throw badInput(field, `${what} must not be empty`);
  if (value.length > max) throw badInput(field, `${what} has ${value.length} characters; at most ${max} are allowed`);
  if (CONTROL.test(value)) throw badInput(field, `${what} must not contain control characters`);
  if (value !== value.trim()) throw badInput(field, `${what} must not start or end with whitespace`);
  return value;
}

export const checkKey = (key: string, field = ["input", "key"]) => checkText(key, field, "a license key", MAX_KEY_LENGTH);
export const checkNodeId = (nodeId: string, field = ["input", "nodeId"]) => checkText(nodeId, field, "a controller nodeId", MAX_NODE_ID_LENGTH);

export function checkOptionalInt(value: number | null | undefined, field: string[], min: number, max: number): void {
  if (value === null || value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `must be an integer from ${min} to ${max}, got ${value}`);
}

import type { ContactPatch, FieldProblem } from "../source.js";
import { MAX_EMAIL_LENGTH, MAX_PHONE_DIGITS } from "./vendor-types.js";

/** Where each contact field sits in the GraphQL input; vendor field problems are reported on the same paths. */
export const CONTACT_FIELD_PATHS = {
  email: ["input", "email"],
  phoneNumber: ["input", "phoneNumber"],
  mobileNumber: ["input", "mobileNumber"],
} as const satisfies Record<keyof ContactPatch, readonly string[]>;

const DIGITS = /^[0-9]*$/;
/**
 * "Must be a valid address" (docs/vendors/esmart.md) without saying whose notion of valid: the gateway checks the
 * shape every validator agrees on (one "@", something before it, a dotted domain after it, no whitespace). Anything
 * subtler that the vendor refuses comes back as its ModelState and is reported on the same field.
 */
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

/**
 * The vendor's documented rules for `PATCH api/customers/{id}` (docs/vendors/esmart.md), checked before any call:
 * phone and mobile numbers are digits only, at most 14; an email is a valid address of at most 100 characters; and a
 * patch must change something. One problem per broken rule. Messages state the rule, never the value (contact
 * details are personal data and error messages reach logs).
 */
export function contactProblems(patch: ContactPatch): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const problem = (field: readonly string[], message: string) => problems.push({ field: [...field], message });

  if (patch.email === undefined && patch.phoneNumber === undefined && patch.mobileNumber === undefined) {
    problem(["input"], "give at least one of email, phoneNumber and mobileNumber");
    return problems;
  }
  if (patch.email !== undefined) {
    if (patch.email.length > MAX_EMAIL_LENGTH)
      problem(CONTACT_FIELD_PATHS.email, `an email address has at most ${MAX_EMAIL_LENGTH} characters`);
    if (!EMAIL.test(patch.email)) problem(CONTACT_FIELD_PATHS.email, "an email address must be a valid address like name@example.com");
  }
  for (const key of ["phoneNumber", "mobileNumber"] as const) {
    const value = patch[key];
    if (value === undefined) continue;
    const what = key === "phoneNumber" ? "a phone number" : "a mobile number";
    if (value.length === 0) problem(CONTACT_FIELD_PATHS[key], `${what} has 1 to ${MAX_PHONE_DIGITS} digits`);
    else if (!DIGITS.test(value)) problem(CONTACT_FIELD_PATHS[key], `${what} has digits 0-9 only (no spaces, "+" or "-")`);
    if (value.length > MAX_PHONE_DIGITS) problem(CONTACT_FIELD_PATHS[key], `${what} has at most ${MAX_PHONE_DIGITS} digits`);
  }
  return problems;
}

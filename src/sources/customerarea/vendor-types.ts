import { z } from "zod";
import { lenientNumber, lenientText } from "../lenient.js";

/**
 * Customerarea (FlashStart reseller API) bodies as the gateway reads them. The contract (docs/vendors/customerarea.md)
 * lists field names without types for the answers, so ids and numbers are read as a JSON number or a numeric string
 * (a PHP backend sends either), and we require only what the mapping cannot do without. Every answer type is
 * inferred, so each schema says which fields it holds strictly (they identify or decide: a wrong type fails the
 * answer) and which leniently (they only describe: lenient.ts reads them as best it can and counts the drift).
 */

/**
 * The contract shows no dates. Accepted: ISO 8601 ("2025-02-01T09:00:00Z", a zone honoured), Laravel's default
 * "YYYY-MM-DD HH:MM:SS" and a plain "YYYY-MM-DD"; a date-time without a zone is UTC. MySQL's zero date
 * ("0000-00-00 00:00:00", which a Laravel backend can return for "never") reads as no date.
 */
const VENDOR_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const ZERO_DATE = /^0000-00-00(?:[T ]00:00(?::00)?)?$/;

export function parseVendorDate(value: string): Date | null {
  const text = value.trim();
  if (ZERO_DATE.test(text)) return null;
  const m = VENDOR_DATE.exec(text);
  if (!m) return null;
  const zone = m[3] === undefined ? "Z" : /^[+-]\d{4}$/.test(m[3]) ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3];
  const date = new Date(`${m[1]}T${m[2] ?? "00:00:00"}${zone}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

const vendorDate = z.string().refine((s) => ZERO_DATE.test(s.trim()) || parseVendorDate(s) !== null, "is not a date");
const NUMERIC = /^-?\d+(?:\.\d+)?$/;
/** A number, or a string holding one (read as a number). */
const numberish = z.union([z.number(), z.string().trim().regex(NUMERIC).transform(Number)]);
const optionalNumber = numberish.nullable().optional();
/** A whole number, or a string holding one: the GraphQL fields fed by these are Ints. */
const integerish = numberish.pipe(z.number().int());
/** A text, or a number read as its text (a version "2" or 2). */
const textish = z.union([z.string(), z.number().transform(String)]);
/** An id or code that may come as a number or a string; read as a string. */
const idLike = z.union([z.number().int().nonnegative().transform(String), z.string().trim().min(1)]);

/** Documented: `{"code":200,"content":...}`. `code` is not required, but when sent it must be a success. */
export function envelope<T extends z.ZodType>(content: T) {
  return z.object({ code: z.number().int().min(200).max(299).optional(), content });
}

/** docs/vendors/customerarea.md: the statuses `GET licenses` reports (inferred endpoint, documented list). */
export const LICENCE_STATUSES = ["active", "to_be_activated", "trial", "expired", "renewed"] as const;
export type CustomerareaStatus = (typeof LICENCE_STATUSES)[number];

/**
 * A licence assigned to a customer: an item of `GET licenses`, and the answer of demo, bulk and renew. Strict:
 * `license_id` and `license_code` (identity, and the License's type), `status` and the two dates (they decide the
 * status), `license_duration_months` (it decides `expiresAt` when the vendor gives no expiration date). Lenient:
 * `license_name` and `license_info` (descriptions).
 */
export const customerareaLicence = z.object({
  license_id: idLike,
  license_code: z.string().min(1),
  license_name: lenientText("license_name"),
  license_info: lenientText("license_info"),
  status: z.enum(LICENCE_STATUSES),
  activation_date: vendorDate.nullable().optional(),
  expiration_date: vendorDate.nullable().optional(),
  license_duration_months: optionalNumber,
});
export type CustomerareaLicence = z.infer<typeof customerareaLicence>;

/**
 * An item of `GET licenses/available` (documented field list, types inferred). Strict: `license_code` (the offer's
 * identity: it is what assignBulkLicense sends back). Lenient, because an offer's other fields only describe it
 * (nothing is decided by them; the vendor prices and assigns): `license_name`, `license_duration_months`,
 * `license_version`, `license_quantity`, `license_points`, `license_amount` and `license_amount_currency`. A
 * `license_quantity` of "5 users" is then a null quantity, not a failed catalogue.
 */
export const customerareaOffer = z.object({
  license_code: z.string().min(1),
  license_name: lenientText("license_name"),
  license_duration_months: lenientNumber("license_duration_months", integerish),
  license_version: lenientText("license_version", textish),
  license_quantity: lenientNumber("license_quantity", integerish),
  license_points: lenientNumber("license_points", integerish),
  license_amount: lenientNumber("license_amount", numberish),
  license_amount_currency: lenientText("license_amount_currency"),
});
export type CustomerareaOffer = z.infer<typeof customerareaOffer>;

export const licenceList = envelope(z.array(customerareaLicence));
export const offerList = envelope(z.array(customerareaOffer));
export const licenceAnswer = envelope(customerareaLicence);
/** `POST licenses/delete`: `{deleted:true}` (inferred meaning), strict: anything else is not a confirmation. */
export const deletedAnswer = envelope(z.object({ deleted: z.literal(true) }));

/**
 * Documented validation failure: HTTP 500 `{"code":500,"message":"the given data was invalid","errors":{"field":["..."]}}`.
 * Read leniently (a field's messages as one string too), since it only decides the code and which field is at
 * fault; its words are logged, never shown to a client (errors.ts).
 */
export const validationBody = z.object({
  message: z.string().optional(),
  errors: z.record(z.string(), z.union([z.array(z.string()), z.string().transform((s) => [s])])),
});

/**
 * `customer_code` is documented as a Number: the gateway takes a positive integer, small enough to travel as a
 * JSON number unchanged. Returns what is wrong, or null.
 */
export function customerCodeProblem(externalId: string): string | null {
  return /^[1-9]\d*$/.test(externalId) && Number.isSafeInteger(Number(externalId))
    ? null
    : `a Customerarea customer code is a positive integer (got "${externalId.slice(0, 40)}")`;
}

import { z } from "zod";

/**
 * Customerarea (FlashStart reseller API, seed 002) bodies as the gateway reads them. The seed lists field names
 * without types for the answers, so ids and numbers are read as a JSON number or a numeric string, and we require
 * only what the mapping cannot do without.
 */

/**
 * The seed shows no dates. Accepted: ISO 8601 ("2025-02-01T09:00:00Z", a zone honoured), Laravel's default
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

const vendorDate = z.string().refine((s) => ZERO_DATE.test(s.trim()) || parseVendorDate(s) !== null, "not a date");
const NUMERIC = /^-?\d+(?:\.\d+)?$/;
/** A number, or a string holding one (read as a number). */
const numberish = z.union([z.number(), z.string().trim().regex(NUMERIC).transform(Number)]);
const optionalNumber = numberish.nullable().optional();
/** An id or code that may come as a number or a string; read as a string. */
const idLike = z.union([z.number().int().nonnegative().transform(String), z.string().trim().min(1)]);

/** Documented: `{"code":200,"content":...}`. `code` is not required, but when sent it must be a success. */
export function envelope<T extends z.ZodType>(content: T) {
  return z.object({ code: z.number().int().min(200).max(299).optional(), content });
}

/** customerarea.md: the statuses `GET licenses` reports (inferred endpoint, documented list). */
export const LICENCE_STATUSES = ["active", "to_be_activated", "trial", "expired", "renewed"] as const;
export type CustomerareaStatus = (typeof LICENCE_STATUSES)[number];

/** A licence assigned to a customer: an item of `GET licenses`, and the answer of demo, bulk and renew. */
export const customerareaLicence = z.object({
  license_id: idLike,
  license_code: z.string().min(1),
  license_name: z.string().nullable().optional(),
  license_info: z.string().nullable().optional(),
  status: z.enum(LICENCE_STATUSES),
  activation_date: vendorDate.nullable().optional(),
  expiration_date: vendorDate.nullable().optional(),
  license_duration_months: optionalNumber,
});
export type CustomerareaLicence = z.infer<typeof customerareaLicence>;

/** An item of `GET licenses/available` (documented field list). */
export const customerareaOffer = z.object({
  license_code: z.string().min(1),
  license_name: z.string().nullable().optional(),
  license_duration_months: optionalNumber,
  license_version: z.union([z.number().transform(String), z.string()]).nullable().optional(),
  license_quantity: optionalNumber,
  license_points: optionalNumber,
  license_amount: optionalNumber,
  license_amount_currency: z.string().nullable().optional(),
});
export type CustomerareaOffer = z.infer<typeof customerareaOffer>;

export const licenceList = envelope(z.array(customerareaLicence));
export const offerList = envelope(z.array(customerareaOffer));
export const licenceAnswer = envelope(customerareaLicence);
/** `POST licenses/delete`: `{deleted:true}` (inferred meaning); anything else is not a confirmation. */
export const deletedAnswer = envelope(z.object({ deleted: z.literal(true) }));

/**
 * Documented validation failure: HTTP 500 `{"code":500,"message":"the given data was invalid","errors":{"field":["..."]}}`.
 * Read leniently (a field's messages as one string too), since it only decides the code and feeds messages.
 */
export const validationBody = z.object({
  message: z.string().optional(),
  errors: z.record(z.string(), z.union([z.array(z.string()), z.string().transform((s) => [s])])),
});

/** Any other error body (documented 401 `{"message":...}`, inferred `{"code":404,"message":...}`). */
export const messageBody = z.object({ message: z.string() });

/**
 * `customer_code` is documented as a Number: the gateway takes a positive integer, small enough to travel as a
 * JSON number unchanged. Returns what is wrong, or null.
 */
export function customerCodeProblem(externalId: string): string | null {
  return /^[1-9]\d*$/.test(externalId) && Number.isSafeInteger(Number(externalId))
    ? null
    : `a Customerarea customer code is a positive integer (got "${externalId.slice(0, 40)}")`;
}

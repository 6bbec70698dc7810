import { z } from "zod";

/**
 * eSmart's bodies as the gateway reads them. Only the paths are documented (seed 003); the bodies are inferred
 * from ASP.NET Web API conventions (esmart.md "Inferred bodies"), so every field is optional and nullable, ids
 * may be strings or integers, and unknown fields are ignored. What must hold is the shape: an object where an
 * object is expected, a list where a list is, a date where a date is.
 */

/** The `X-Area` header per configured area (seed 003: "1 for Net or 2 for Power"; Power is the vendor's default). */
export const AREA_HEADER = { net: "1", power: "2" } as const;

/** PATCH api/customers/{id}: "PhoneNumber (numbers only, max 14 digits), MobileNumber (...)" (seed 003). */
export const MAX_PHONE_DIGITS = 14;
/** PATCH api/customers/{id}: "Email (must be a valid address, max 100 characters)" (seed 003). */
export const MAX_EMAIL_LENGTH = 100;

/** An ASP.NET id: a string, or an integer key sent as a JSON number. Either way the gateway keeps a string. */
const id = z.union([z.string(), z.number().int()]).transform(String);
const text = z.string().nullable().optional();
/** Date-times are UTC, documented with and seen without a zone ("2013-09-17T22:39:30"); see `parseUtc`. */
const utcDate = z
  .string()
  .refine((s) => parseUtc(s) !== null, "not an ISO 8601 date-time")
  .transform((s) => parseUtc(s)!);

/**
 * With every field optional, a body of another shape (`{"Success": true}`, a camelCase one) would read as an
 * empty record: at least one known field must be there, or the gateway has misread the body.
 */
function withSomeOf<T extends z.ZodRawShape>(shape: T) {
  const keys = Object.keys(shape);
  return z
    .object(shape)
    .refine((value: object) => keys.some((key) => key in value), `none of the expected fields (${keys.join(", ")})`);
}

export const esmartCustomer = withSomeOf({
  CustomerId: id.nullable().optional(),
  Name: text,
  Email: text,
  PhoneNumber: text,
  MobileNumber: text,
  Address: text,
  PostalCode: text,
  City: text,
});
export type EsmartCustomer = z.infer<typeof esmartCustomer>;

export const esmartGateway = withSomeOf({
  GatewayId: id.nullable().optional(),
  SerialNumber: text,
  ExternalId: id.nullable().optional(),
  ParticipantId: id.nullable().optional(),
  Name: text,
  IsActive: z.boolean().nullable().optional(),
  LastSeenUtc: utcDate.nullable().optional(),
  // Inferred as a string ("4.2.1"); a bare number is kept as its text.
  FirmwareVersion: z.union([z.string(), z.number()]).transform(String).nullable().optional(),
});
export type EsmartGateway = z.infer<typeof esmartGateway>;

export const esmartDevice = z.object({
  // The one field a device needs: HardwareDevice.deviceId is not nullable.
  DeviceId: id,
  SerialNumber: text,
  GatewaySerialNumber: text,
  // Inferred: a type name ("Meter"); an ASP.NET enum serialised as its number is kept as that number's text.
  Type: z.union([z.string(), z.number()]).transform(String).nullable().optional(),
  Name: text,
  IsActive: z.boolean().nullable().optional(),
});
export type EsmartDevice = z.infer<typeof esmartDevice>;

export const esmartDeviceList = z.array(esmartDevice);

/**
 * Web API's `HttpError`: `{"Message": "..."}`, with `ModelState` (`{"customer.Email": ["..."]}`) after a failed
 * validation. Read leniently: it only feeds messages and field problems.
 */
export const esmartError = z.object({
  Message: z.string().optional(),
  ModelState: z.record(z.string(), z.array(z.string())).optional(),
});
export type EsmartError = z.infer<typeof esmartError>;

/** The PATCH body: only the fields being changed, in the vendor's PascalCase. */
export interface EsmartContactPatch {
  Email?: string;
  PhoneNumber?: string;
  MobileNumber?: string;
}

/** `2013-09-17`, `2013-09-17T22:39:30`, with optional fraction (.NET writes up to 7 digits) and optional zone. */
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An eSmart date-time as an instant. The vendor's dates are UTC but carry no zone ("2013-09-17T22:39:30",
 * seed 003), which JavaScript would read as the *server's local* time; so a zone-less date-time is given an
 * explicit "Z". Null when the text is not an ISO 8601 date(-time).
 */
export function parseUtc(value: string): Date | null {
  const match = ISO_DATE_TIME.exec(value.trim());
  if (match === null) return null;
  const [, date, time, zone] = match;
  // A bare date is UTC midnight already; a time without a zone is UTC by the vendor's documentation.
  const ms = Date.parse(time === undefined ? date! : `${date}T${time}${zone ?? "Z"}`);
  return Number.isNaN(ms) ? null : new Date(ms);
}

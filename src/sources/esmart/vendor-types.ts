import { z } from "zod";
import { lenientText } from "../lenient.js";

/**
 * eSmart's bodies as the gateway reads them. Only the paths are documented; the bodies are inferred from ASP.NET
 * Web API conventions (docs/vendors/esmart.md "Inferred bodies"), so every field is optional and nullable, ids
 * may be strings or integers, and unknown fields are ignored. What must hold is the shape: an object where an
 * object is expected, a list where a list is, a date where a date is.
 *
 * Every body is inferred, so the rule per field is the gateway's: strict where a field identifies or decides
 * (ids, which the gateway asks for or puts in a path; IsActive, a state; LastSeenUtc, a date), lenient
 * (lenient.ts) where it only describes (names, contact details, addresses, types, versions): a number there is
 * read as its text, anything else but text as null, and counted as drift.
 */

/**
 * The `X-Area` header per configured area (docs/vendors/esmart.md: 1 for Net or 2 for Power; Power is the vendor's
 * default).
 */
export const AREA_HEADER = { net: "1", power: "2" } as const;

/**
 * PATCH api/customers/{id}: "PhoneNumber (numbers only, max 14 digits), MobileNumber (...)" (docs/vendors/esmart.md).
 */
export const MAX_PHONE_DIGITS = 14;
/** PATCH api/customers/{id}: "Email (must be a valid address, max 100 characters)" (docs/vendors/esmart.md). */
export const MAX_EMAIL_LENGTH = 100;

/** An ASP.NET id: a string, or an integer key sent as a JSON number. Either way the gateway keeps a string. */
const id = z.union([z.string(), z.number().int()]).transform(String);
/** Date-times are UTC, documented with and seen without a zone ("2013-09-17T22:39:30"); see `parseUtc`. */
const utcDate = z
  .string()
  .refine((s) => parseUtc(s) !== null, "is not an ISO 8601 date-time")
  .transform((s) => parseUtc(s)!);

/**
 * With every field optional, a body of another shape (`{"Success": true}`, a camelCase one) would read as an
 * empty record: at least one known field must be there, or the gateway has misread the body.
 */
function withSomeOf<T extends z.ZodRawShape>(shape: T) {
  const keys = Object.keys(shape);
  return z
    .object(shape)
    .refine((value: object) => keys.some((key) => key in value), `has none of the expected fields (${keys.join(", ")})`);
}

/** Strict: `CustomerId` (identity). Lenient: the rest, a profile's descriptions (a PostalCode sent as 8000 is "8000"). */
export const esmartCustomer = withSomeOf({
  CustomerId: id.nullable().optional(),
  Name: lenientText("Name"),
  Email: lenientText("Email"),
  PhoneNumber: lenientText("PhoneNumber"),
  MobileNumber: lenientText("MobileNumber"),
  Address: lenientText("Address"),
  PostalCode: lenientText("PostalCode"),
  City: lenientText("City"),
});
export type EsmartCustomer = z.infer<typeof esmartCustomer>;

/**
 * Strict: `GatewayId`, `SerialNumber` and `ExternalId` (ids; the devices are asked for by the last, in a path),
 * `IsActive` (a state), `LastSeenUtc` (a date). Lenient: `Name` and `FirmwareVersion` (descriptions; a version sent
 * as a bare number, 4.2, is its text). `ParticipantId` is not read, so not decoded: it cannot fail an answer.
 */
export const esmartGateway = withSomeOf({
  GatewayId: id.nullable().optional(),
  SerialNumber: z.string().nullable().optional(),
  ExternalId: id.nullable().optional(),
  Name: lenientText("Name"),
  IsActive: z.boolean().nullable().optional(),
  LastSeenUtc: utcDate.nullable().optional(),
  FirmwareVersion: lenientText("FirmwareVersion"),
});
export type EsmartGateway = z.infer<typeof esmartGateway>;

/**
 * Strict: `DeviceId` (the one field a device needs: HardwareDevice.deviceId is not nullable), `SerialNumber` and
 * `GatewaySerialNumber` (ids), `IsActive` (a state). Lenient: `Name` and `Type` (descriptions; a type sent as an
 * ASP.NET enum's number is that number's text).
 */
export const esmartDevice = z.object({
  DeviceId: id,
  SerialNumber: z.string().nullable().optional(),
  GatewaySerialNumber: z.string().nullable().optional(),
  Type: lenientText("Type"),
  Name: lenientText("Name"),
  IsActive: z.boolean().nullable().optional(),
});
export type EsmartDevice = z.infer<typeof esmartDevice>;

export const esmartDeviceList = z.array(esmartDevice);

/**
 * Web API's `HttpError`: `{"Message": "..."}`, with `ModelState` (`{"customer.Email": ["..."]}`) after a failed
 * validation. Read only to place field problems (mapper.ts); its words are logged, never shown to a client.
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
 * docs/vendors/esmart.md), which JavaScript would read as the *server's local* time; so a zone-less date-time is
 * given an explicit "Z". Null when the text is not an ISO 8601 date(-time).
 */
export function parseUtc(value: string): Date | null {
  const match = ISO_DATE_TIME.exec(value.trim());
  if (match === null) return null;
  const [, date, time, zone] = match;
  // A bare date is UTC midnight already; a time without a zone is UTC by the vendor's documentation.
  const ms = Date.parse(time === undefined ? date! : `${date}T${time}${zone ?? "Z"}`);
  return Number.isNaN(ms) ? null : new Date(ms);
}

import { z } from "zod";
import { lenientNumber } from "../lenient.js";

/**
 * Cryptolens Web API bodies as the gateway reads them (docs/vendors/cryptolens.md). Responses are lowerCamelCase
 * JSON. We require what the mapping cannot do without (`id`, `key`, `created`, `block`) and read the rest as
 * optional: the doc gives examples, not a schema, and a BasicLicenseKey lacks the detailed fields. The field
 * names are documented; their types come from the vendor's examples, so each schema says which it holds strictly
 * (a wrong type fails the answer) and which leniently (lenient.ts: read as best it can, counted as drift).
 */

/**
 * The vendor's date-times carry no zone ("2015-08-27T00:00:00") and mean UTC (.NET DateTime in UTC). Read
 * them as UTC explicitly: `new Date()` would take a zone-less date-time as local time. A zone, if one is ever
 * sent, is honoured. Up to 7 fraction digits (.NET's ticks); JavaScript keeps milliseconds.
 */
const VENDOR_DATE = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?))?(Z|[+-]\d{2}:\d{2})?$/i;

export function parseVendorDate(value: string): Date | null {
  const m = VENDOR_DATE.exec(value.trim());
  if (!m) return null;
  const date = new Date(`${m[1]}T${m[2] ?? "00:00:00"}${m[3] ?? "Z"}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

const vendorDate = z.string().refine((s) => parseVendorDate(s) !== null, "is not a date-time");

/**
 * Every response: `result` 0 (success) or 1 (error), and `message`. Strict: `result` decides, and a body without it
 * is not the vendor's. `message` decides the code of an error (errors.ts) and is logged, never shown to a client.
 */
export const envelope = z.looseObject({
  result: z.number().int(),
  message: z.string().nullable().optional(),
});

/**
 * Strict: `mid` (the machine code given to `key/Activate`: for the gateway, the controller's nodeId, an identity)
 * and `time` (a date: the link's createdAt). `ip` and `friendlyName` are not read, so not decoded: whatever they
 * hold cannot fail an answer.
 */
export const activatedMachine = z.looseObject({
  mid: z.string().min(1),
  time: vendorDate.nullable().optional(),
});

const feature = z.boolean().optional();

/**
 * BasicLicenseKey, or LicenseKey when Detailed=true (the detailed fields are then present).
 * Strict, because they identify or decide: `productId` (decides which keys this source shows), `id`, `key`,
 * `globalId` (finds the key's metadata) and `customer.id` (ids); `created` and `expires` (dates: the status);
 * `block` and `f1`..`f8` (the key's state and what it enables); `activatedMachines` (the links, see above).
 * Lenient, because it only describes: `maxNoOfMachines` (a quantity shown as maxControllers; the vendor enforces
 * it, the gateway does not). Not decoded, because not read (mapper.ts): `period` (days, not mapped), `notes`
 * (free text), `dataObjects`; whatever they hold cannot fail an answer.
 */
export const licenseKey = z.looseObject({
  productId: z.number().int().optional(),
  id: z.number().int(),
  key: z.string().min(1),
  created: vendorDate,
  expires: vendorDate.nullable().optional(),
  f1: feature,
  f2: feature,
  f3: feature,
  f4: feature,
  f5: feature,
  f6: feature,
  f7: feature,
  f8: feature,
  block: z.boolean(),
  globalId: z.number().int().optional(),
  // LicenseKey only:
  customer: z.looseObject({ id: z.number().int() }).nullable().optional(),
  activatedMachines: z.array(activatedMachine).nullable().optional(),
  /** 0 = unlimited. */
  maxNoOfMachines: lenientNumber("maxNoOfMachines", z.number().int()),
});
export type CryptolensKey = z.infer<typeof licenseKey>;

/**
 * Per globalId. Strict: `timeLimited` (it decides whether the key ever expires). The rest (`activatedMachines`,
 * `isValid`, `trial`, `timeLeft`...) is not read, so not decoded: a change there cannot fail a read.
 */
export const keyMetadata = z.looseObject({
  licenseStatus: z
    .looseObject({
      timeLimited: z.boolean().optional(),
    })
    .nullable()
    .optional(),
});
export type CryptolensKeyMetadata = z.infer<typeof keyMetadata>;

/**
 * `customer/GetCustomerLicenses`. `metadata` is a dictionary keyed by the keys' globalId. Strict as a list: one
 * key the gateway cannot read fails it (unless only a lenient field drifted).
 */
export const customerLicensesResponse = z.looseObject({
  licenseKeys: z.array(licenseKey),
  metadata: z.record(z.string(), keyMetadata).nullable().optional(),
});

/** `key/GetKey` and `key/Activate`. Activate adds `metadata` (one object, for that key) when Metadata=true. */
export const keyResponse = z.looseObject({
  licenseKey,
  metadata: keyMetadata.nullable().optional(),
});

/** A Cryptolens CustomerId is an int (a 32-bit one: the vendor is .NET); only positive ones name a customer. */
export const MAX_CUSTOMER_ID = 2_147_483_647;

/** The features a key can have, in the vendor's names. */
export const FEATURES = ["f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8"] as const;

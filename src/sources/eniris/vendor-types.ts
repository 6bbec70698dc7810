import { z } from "zod";
import { lenientNumber, lenientText } from "../lenient.js";

/**
 * Eniris' bodies as the gateway reads them. The vendor's spec marks no field as required
 * (docs/vendors/eniris-license.openapi.yaml), so we require exactly what we use and accept the rest as optional.
 */
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "is not a date-time");
/** The power limits are documented as int|null, but only describe the license: an odd one is drift, not a failure. */
const kw = (field: string) => lenientNumber(field, z.number().int());

/**
 * A License (docs/vendors/eniris.md "License", documented types). Strict, because they identify or decide: `id` and
 * `key` (identity), the three dates and `duration` (they decide the status and `expiresAt`), `datalinks` (ids of
 * links). Lenient (lenient.ts), because they only describe: the four power limits (quantities) and `type` ("the
 * commercial type", a description).
 */
export const enirisLicense = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  gridKw: kw("gridKw"),
  solarKw: kw("solarKw"),
  batteryKw: kw("batteryKw"),
  evKw: kw("evKw"),
  creationDate: isoDate.nullable().optional(),
  activationDate: isoDate.nullable().optional(),
  duration: z.number().int().nullable().optional(),
  deactivationDate: isoDate.nullable().optional(),
  type: lenientText("type"),
  datalinks: z.array(z.string().min(1)).optional(),
});
export type EnirisLicense = z.infer<typeof enirisLicense>;

/** Strict as a list (one item the gateway cannot read fails it, unless only a lenient field drifted). */
export const licenseList = z.object({ licenses: z.array(enirisLicense) });
/** `success` is strict: it decides whether the activation happened. */
export const activateResponse = z.object({ success: z.literal(true), license: enirisLicense });
/** All strict: `success` decides, and `id`, `key` and `nodeId` identify the claim. */
export const claimResponse = z.object({
  success: z.literal(true),
  license: z.object({ id: z.string().min(1), key: z.string().optional(), nodeId: z.string().optional() }),
});

/**
 * The device query (docs/vendors/eniris.md "Controllers"). Strict: `nodeId` (identity) and `serialNumber`, which is
 * not in the excerpt (inferred) but identifies the controller's hardware at other vendors (eSmart looks it up), so
 * a wrong one must not pass for another. Lenient: `name` (inferred, a description). The device's `id`, `nodeType`
 * (the query filters by it) and the rest are not read, so not decoded: they cannot fail an answer.
 */
export const deviceQueryResponse = z.object({
  device: z.array(
    z.object({
      properties: z.looseObject({
        nodeId: z.string().min(1),
        name: lenientText("name"),
        serialNumber: z.string().nullable().optional(),
      }),
    }),
  ),
});

/**
 * The error envelope `{statusCode, error, message}`; read leniently, since it only decides a code ("License is
 * already activated"). Its words are logged, never shown to a client.
 */
export const errorEnvelope = z.object({ message: z.string().optional(), error: z.string().optional() });

/**
 * The device query's nodeType for controllers; from Eniris' client code, not from the spec (docs/vendors/eniris.md).
 */
export const CONTROLLER_NODE_TYPE = "smartgridController";

/** License keys are 1..50 characters (the spec's activate and claim bodies). */
export const MAX_KEY_LENGTH = 50;

import { z } from "zod";

/**
 * Eniris' bodies as the gateway reads them. The vendor's spec marks no field as required
 * (eniris-license.openapi.yaml), so we require exactly what we use and accept the rest as optional.
 */
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not a date-time");
const kw = z.number().int().nullable().optional();

export const enirisLicense = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  gridKw: kw,
  solarKw: kw,
  batteryKw: kw,
  evKw: kw,
  creationDate: isoDate.nullable().optional(),
  activationDate: isoDate.nullable().optional(),
  duration: z.number().int().nullable().optional(),
  deactivationDate: isoDate.nullable().optional(),
  type: z.string().nullable().optional(),
  datalinks: z.array(z.string().min(1)).optional(),
});
export type EnirisLicense = z.infer<typeof enirisLicense>;

export const licenseList = z.object({ licenses: z.array(enirisLicense) });
export const activateResponse = z.object({ success: z.literal(true), license: enirisLicense });
export const claimResponse = z.object({
  success: z.literal(true),
  license: z.object({ id: z.string().min(1), key: z.string().optional(), nodeId: z.string().optional() }),
});

export const deviceQueryResponse = z.object({
  device: z.array(
    z.object({
      id: z.union([z.string(), z.number()]).optional(),
      properties: z.looseObject({
        nodeId: z.string().min(1),
        nodeType: z.string().optional(),
        // Inferred: the device properties a controller carries besides nodeId/nodeType are not in the excerpt.
        name: z.string().nullable().optional(),
        serialNumber: z.string().nullable().optional(),
      }),
    }),
  ),
});

/** The error envelope `{statusCode, error, message}`; read leniently since it only feeds messages. */
export const errorEnvelope = z.object({ message: z.string().optional(), error: z.string().optional() });

/** The device query's nodeType for controllers; from Eniris' client code, not from the spec (eniris.md). */
export const CONTROLLER_NODE_TYPE = "smartgridController";

/** License keys are 1..50 characters (the spec's activate and claim bodies). */
export const MAX_KEY_LENGTH = 50;

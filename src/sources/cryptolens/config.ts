import { z } from "zod";
import { httpUrl, upstreamOptions } from "../../config/source-options.js";

/**
 * Cryptolens Web API (docs/vendors/cryptolens.md): an access token with GetCustomerLicenses, GetKey, Activate and
 * Deactivate rights.
 */
export const cryptolensConfigSchema = z.strictObject({
  kind: z.literal("cryptolens"),
  url: httpUrl,
  token: z.string().min(1),
  productId: z.number().int().positive(),
  ...upstreamOptions,
});

export type CryptolensSourceConfig = z.infer<typeof cryptolensConfigSchema>;

import { z } from "zod";
import { httpUrl, upstreamOptions } from "../../config/source-options.js";

/**
 * eSmart Systems customer web API (docs/vendors/esmart.md): profiles and controller hardware. `area` picks the
 * X-Area header.
 */
export const esmartConfigSchema = z.strictObject({
  kind: z.literal("esmart"),
  url: httpUrl,
  username: z.string().min(1),
  password: z.string().min(1),
  area: z.enum(["power", "net"]).default("power"),
  ...upstreamOptions,
});

export type EsmartSourceConfig = z.infer<typeof esmartConfigSchema>;

import type { CryptolensSimulator } from "../../simulators/cryptolens/server.js";
import type { VendorModule } from "../vendor-module.js";
import { cryptolensConfigSchema } from "./config.js";
import { cryptolensDemo } from "./demo.js";
import { CryptolensSource } from "./source.js";

export const cryptolensVendor: VendorModule<typeof cryptolensConfigSchema, { cryptolens: CryptolensSimulator }> = {
  kind: "cryptolens",
  configSchema: cryptolensConfigSchema,
  create: (id, config, { telemetry }) => new CryptolensSource(id, config, undefined, telemetry),
  demo: cryptolensDemo,
};

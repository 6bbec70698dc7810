import type { VendorModule } from "../vendor-module.js";
import { enirisConfigSchema } from "./config.js";
import { enirisDemo, type EnirisDemoSimulators } from "./demo.js";
import { EnirisSource } from "./source.js";

export const enirisVendor: VendorModule<typeof enirisConfigSchema, EnirisDemoSimulators> = {
  kind: "eniris",
  configSchema: enirisConfigSchema,
  // The only vendor with access tokens, so the only one that shares them across replicas.
  create: (id, config, { sharedTokens, telemetry }) => new EnirisSource(id, config, undefined, sharedTokens, telemetry),
  demo: enirisDemo,
};

import type { EsmartSimulator } from "../../simulators/esmart/server.js";
import type { VendorModule } from "../vendor-module.js";
import { esmartConfigSchema } from "./config.js";
import { esmartDemo } from "./demo.js";
import { EsmartSource } from "./source.js";

export const esmartVendor: VendorModule<typeof esmartConfigSchema, { esmart: EsmartSimulator }> = {
  kind: "esmart",
  configSchema: esmartConfigSchema,
  create: (id, config, { telemetry }) => new EsmartSource(id, config, telemetry),
  demo: esmartDemo,
};

import type { CustomerareaSimulator } from "../../simulators/customerarea/server.js";
import type { VendorModule } from "../vendor-module.js";
import { customerareaConfigSchema } from "./config.js";
import { customerareaDemo } from "./demo.js";
import { CustomerareaSource } from "./source.js";

export const customerareaVendor: VendorModule<typeof customerareaConfigSchema, { flashstart: CustomerareaSimulator }> = {
  kind: "customerarea",
  configSchema: customerareaConfigSchema,
  create: (id, config, { telemetry }) => new CustomerareaSource(id, config, undefined, telemetry),
  demo: customerareaDemo,
};

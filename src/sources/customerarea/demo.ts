import type { z } from "zod";
import { customerareaDemoData } from "../../simulators/customerarea/data.js";
import {
  DEFAULT_CUSTOMERAREA_API_KEYS,
  startCustomerareaSimulator,
  type CustomerareaSimulator,
} from "../../simulators/customerarea/server.js";
import type { VendorDemo } from "../vendor-module.js";
import type { customerareaConfigSchema } from "./config.js";

/** The demo's Customerarea source, FlashStart's as `flashstart`: customer i is the simulator's customer i. */
export const customerareaDemo: VendorDemo<z.input<typeof customerareaConfigSchema>, { flashstart: CustomerareaSimulator }> = {
  async start({ latencyMs }) {
    const flashstart = await startCustomerareaSimulator({ latencyMs });
    return {
      simulators: { flashstart },
      sources: { flashstart: { kind: "customerarea", url: flashstart.url, apiKey: DEFAULT_CUSTOMERAREA_API_KEYS[0]! } },
    };
  },
  seed: () => ({ accounts: { flashstart: customerareaDemoData().customers.map((c) => String(c.code)) } }),
};

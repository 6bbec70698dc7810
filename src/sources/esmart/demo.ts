import type { z } from "zod";
import { esmartDemoData } from "../../simulators/esmart/data.js";
import { defaultEsmartUsers, startEsmartSimulator, type EsmartSimulator } from "../../simulators/esmart/server.js";
import type { VendorDemo } from "../vendor-module.js";
import type { esmartConfigSchema } from "./config.js";
import { AREA_HEADER } from "./vendor-types.js";

/** The area the demo's source reads; its customers are the demo's. */
const DEMO_AREA = "power";

/** The demo's eSmart source, `esmart`, in the power area: customer i is the i-th customer of that area. */
export const esmartDemo: VendorDemo<z.input<typeof esmartConfigSchema>, { esmart: EsmartSimulator }> = {
  async start({ latencyMs, esmartUser = defaultEsmartUsers()[0]! }) {
    const esmart = await startEsmartSimulator({ latencyMs, users: [esmartUser] });
    return {
      simulators: { esmart },
      sources: {
        esmart: { kind: "esmart", url: esmart.url, username: esmartUser.username, password: esmartUser.password, area: DEMO_AREA },
      },
    };
  },
  seed: () => ({
    accounts: {
      esmart: [
        ...new Set(
          esmartDemoData()
            .customers.filter((c) => c.area === Number(AREA_HEADER[DEMO_AREA]))
            .map((c) => c.CustomerId),
        ),
      ],
    },
  }),
};

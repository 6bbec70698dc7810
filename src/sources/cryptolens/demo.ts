import type { z } from "zod";
import { cryptolensDemoData, DEFAULT_CRYPTOLENS_PRODUCT_ID } from "../../simulators/cryptolens/data.js";
import { DEFAULT_CRYPTOLENS_TOKEN, startCryptolensSimulator, type CryptolensSimulator } from "../../simulators/cryptolens/server.js";
import type { VendorDemo } from "../vendor-module.js";
import type { cryptolensConfigSchema } from "./config.js";

/** The demo's Cryptolens source, `cryptolens`: customer i is the simulator's customer i. */
export const cryptolensDemo: VendorDemo<z.input<typeof cryptolensConfigSchema>, { cryptolens: CryptolensSimulator }> = {
  async start({ latencyMs }) {
    const cryptolens = await startCryptolensSimulator({ latencyMs });
    return {
      simulators: { cryptolens },
      sources: {
        cryptolens: { kind: "cryptolens", url: cryptolens.url, token: DEFAULT_CRYPTOLENS_TOKEN, productId: DEFAULT_CRYPTOLENS_PRODUCT_ID },
      },
    };
  },
  seed: () => ({ accounts: { cryptolens: cryptolensDemoData().customers.map((c) => String(c.id)) } }),
};

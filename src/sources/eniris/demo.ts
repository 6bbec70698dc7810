import { enirisDemoData, type EnirisBrand } from "../../simulators/eniris/data.js";
import { startEnirisSimulator, type EnirisSimulator } from "../../simulators/eniris/server.js";
import type { DemoSeed, VendorDemo } from "../vendor-module.js";
import type { z } from "zod";
import type { enirisConfigSchema } from "./config.js";

/** The demo's two Eniris brands, each its own source; they are also the demo source ids. */
const BRANDS = ["sofar", "smartgridone"] as const satisfies readonly EnirisBrand[];

export type EnirisDemoSimulators = Record<(typeof BRANDS)[number], EnirisSimulator>;

/** Sofar uses a refresh token and SmartgridOne a login, to show both Eniris flows. */
export const enirisDemo: VendorDemo<z.input<typeof enirisConfigSchema>, EnirisDemoSimulators> = {
  async start({ latencyMs }) {
    const [sofar, smartgridone] = await Promise.all(BRANDS.map((brand) => startEnirisSimulator({ brand, latencyMs })));
    return {
      simulators: { sofar: sofar!, smartgridone: smartgridone! },
      sources: {
        sofar: { kind: "eniris", apiUrl: sofar!.apiUrl, authUrl: sofar!.authUrl, refreshToken: "demo-refresh-token-sofar" },
        smartgridone: {
          kind: "eniris",
          apiUrl: smartgridone!.apiUrl,
          authUrl: smartgridone!.authUrl,
          username: "demo@example.com",
          password: "demo-password",
        },
      },
    };
  },

  /**
   * Customer i is customer i of both brands, named as at Sofar; every controller a brand links to that customer's
   * licenses is registered to it.
   */
  seed(customers): DemoSeed {
    const brands = BRANDS.map((brand) => ({ brand, data: enirisDemoData(brand) }));
    const owners = new Map<string, number>();
    for (let i = 0; i < customers; i++) {
      for (const { data } of brands) {
        const customerId = data.customers[i]?.id;
        for (const link of data.datalinks) {
          if (data.licenses.find((l) => l.id === link.licenseId)?.customerId === customerId) owners.set(link.nodeId, i);
        }
      }
    }
    return {
      accounts: Object.fromEntries(brands.map(({ brand, data }) => [brand, data.customers.map((c) => c.id)])),
      customerNames: brands[0]!.data.customers.map((c) => c.name),
      controllers: brands.flatMap(({ data }) => data.controllers.map(({ nodeId, name, serialNumber }) => ({ nodeId, name, serialNumber }))),
      controllerOwners: owners,
    };
  },
};

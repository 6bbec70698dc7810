import { VENDORS } from "../sources/registry.js";
import type { Vendors } from "../sources/vendor-module.js";
import type { Store } from "../store/store.js";

/** Gateway ids of the demo customers, stable so GraphiQL's examples can name them. */
export const DEMO_CUSTOMER_IDS = ["demo-customer-1", "demo-customer-2", "demo-customer-3"] as const;

export const DEMO_LOCAL_KEYS = { unclaimed: "LOC-DEMO-0001", claimed: "LOC-DEMO-0002", inactive: "LOC-DEMO-0003" } as const;

/**
 * The demo's federation map: customer N of the gateway is customer N at every demo source of every vendor, so
 * one query shows them all; the controllers the vendors' demo data link to a customer's licenses are registered to
 * it; and a few licenses live in the local store, one claimed on a controller of customer 2. Idempotent, so
 * restarting on a kept store changes nothing. `vendors`: the registry, or a test's own list.
 */
export async function seedDemo(store: Store, vendors: Vendors = VENDORS): Promise<void> {
  const seeds = vendors.map((vendor) => vendor.demo.seed(DEMO_CUSTOMER_IDS.length));
  const owner = new Map<string, string>();
  for (const seed of seeds) {
    for (const [nodeId, i] of seed.controllerOwners ?? []) owner.set(nodeId, DEMO_CUSTOMER_IDS[i]!);
  }
  const controllers = seeds.flatMap((seed) => seed.controllers ?? []);
  await store.transaction(async (tx) => {
    for (const [i, id] of DEMO_CUSTOMER_IDS.entries()) {
      const accounts = seeds.flatMap((seed) =>
        Object.entries(seed.accounts).flatMap(([source, ids]) => (ids[i] !== undefined ? [{ source, externalId: ids[i] }] : [])),
      );
      const name = seeds.map((seed) => seed.customerNames?.[i]).find((n) => n !== undefined) ?? `Demo customer ${i + 1}`;
      await tx.customers.upsert({ id, name, accounts });
    }
    for (const c of controllers) {
      await tx.controllers.upsert({
        nodeId: c.nodeId,
        name: c.name,
        serialNumber: c.serialNumber,
        customerId: owner.get(c.nodeId) ?? null,
      });
    }
    const existing = new Set((await tx.licenses.byKeys(Object.values(DEMO_LOCAL_KEYS))).map((l) => l.key));
    const issue = async (key: string, extra: Parameters<Store["licenses"]["issue"]>[0]) => {
      if (!existing.has(key)) await tx.licenses.issue({ key, ...extra });
    };
    await issue(DEMO_LOCAL_KEYS.unclaimed, {
      type: "residential",
      solarKw: 8,
      batteryKw: 10,
      durationMonths: 120,
      customerId: DEMO_CUSTOMER_IDS[0],
      activatedAt: new Date("2025-03-01T00:00:00Z"),
    });
    await issue(DEMO_LOCAL_KEYS.claimed, {
      type: "commercial",
      gridKw: 250,
      solarKw: 120,
      durationMonths: 60,
      customerId: DEMO_CUSTOMER_IDS[1],
      activatedAt: new Date("2025-02-01T00:00:00Z"),
    });
    await issue(DEMO_LOCAL_KEYS.inactive, { type: "residential", evKw: 22, durationMonths: 24, customerId: DEMO_CUSTOMER_IDS[2] });
    const [claimed] = await tx.licenses.byKeys([DEMO_LOCAL_KEYS.claimed]);
    // With no vendor controllers at all (a test's own vendors), there is nothing to claim it on.
    const node = [...owner].find(([, customer]) => customer === DEMO_CUSTOMER_IDS[1])?.[0] ?? controllers[0]?.nodeId;
    if (claimed && node !== undefined && (await tx.claims.ofLicenses("local", [claimed.id])).length === 0) {
      await tx.claims.record({ source: "local", licenseExternalId: claimed.id, licenseKey: claimed.key, nodeId: node });
    }
  });
}

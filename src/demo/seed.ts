import { cryptolensDemoData } from "../simulators/cryptolens/data.js";
import { customerareaDemoData } from "../simulators/customerarea/data.js";
import { enirisDemoData } from "../simulators/eniris/data.js";
import { esmartDemoData } from "../simulators/esmart/data.js";
import type { Store } from "../store/store.js";

/** Gateway ids of the demo customers, stable so GraphiQL's examples can name them. */
export const DEMO_CUSTOMER_IDS = ["demo-customer-1", "demo-customer-2", "demo-customer-3"] as const;

export const DEMO_LOCAL_KEYS = { unclaimed: "LOC-DEMO-0001", claimed: "LOC-DEMO-0002", inactive: "LOC-DEMO-0003" } as const;

/**
 * The demo's federation map: customer N of the gateway is customer N at every vendor (Sofar, SmartgridOne,
 * Cryptolens, FlashStart's Customerarea, eSmart), so one query shows all five; every
 * controller a brand links to that customer's licenses is registered to it; and a few licenses live in the
 * local store. Idempotent, so restarting on a kept store changes nothing.
 */
export async function seedDemo(store: Store): Promise<void> {
  const brands = { sofar: enirisDemoData("sofar"), smartgridone: enirisDemoData("smartgridone") };
  const others: Array<[string, string[]]> = [
    ["cryptolens", cryptolensDemoData().customers.map((c) => String(c.id))],
    ["flashstart", customerareaDemoData().customers.map((c) => String(c.code))],
    ["esmart", [...new Set(esmartDemoData().customers.filter((c) => c.area === 2).map((c) => c.CustomerId))]],
  ];
  const owner = new Map<string, string>();
  await store.transaction(async (tx) => {
    for (const [i, id] of DEMO_CUSTOMER_IDS.entries()) {
      const accounts = [
        ...Object.entries(brands).flatMap(([source, data]) => (data.customers[i] ? [{ source, externalId: data.customers[i].id }] : [])),
        ...others.flatMap(([source, ids]) => (ids[i] !== undefined ? [{ source, externalId: ids[i] }] : [])),
      ];
      const name = brands.sofar.customers[i]?.name ?? `Demo customer ${i + 1}`;
      await tx.customers.upsert({ id, name, accounts });
      for (const data of Object.values(brands)) {
        const customerId = data.customers[i]?.id;
        for (const link of data.datalinks) {
          if (data.licenses.find((l) => l.id === link.licenseId)?.customerId === customerId) owner.set(link.nodeId, id);
        }
      }
    }
    for (const data of Object.values(brands)) {
      for (const c of data.controllers) {
        await tx.controllers.upsert({ nodeId: c.nodeId, name: c.name, serialNumber: c.serialNumber, customerId: owner.get(c.nodeId) ?? null });
      }
    }
    const existing = new Set((await tx.licenses.byKeys(Object.values(DEMO_LOCAL_KEYS))).map((l) => l.key));
    const issue = async (key: string, extra: Parameters<Store["licenses"]["issue"]>[0]) => {
      if (!existing.has(key)) await tx.licenses.issue({ key, ...extra });
    };
    await issue(DEMO_LOCAL_KEYS.unclaimed, { type: "residential", solarKw: 8, batteryKw: 10, durationMonths: 120, customerId: DEMO_CUSTOMER_IDS[0], activatedAt: new Date("2025-03-01T00:00:00Z") });
    await issue(DEMO_LOCAL_KEYS.claimed, { type: "commercial", gridKw: 250, solarKw: 120, durationMonths: 60, customerId: DEMO_CUSTOMER_IDS[1], activatedAt: new Date("2025-02-01T00:00:00Z") });
    await issue(DEMO_LOCAL_KEYS.inactive, { type: "residential", evKw: 22, durationMonths: 24, customerId: DEMO_CUSTOMER_IDS[2] });
    const [claimed] = await tx.licenses.byKeys([DEMO_LOCAL_KEYS.claimed]);
    const node = [...owner].find(([, customer]) => customer === DEMO_CUSTOMER_IDS[1])?.[0] ?? brands.sofar.controllers[0]!.nodeId;
    if (claimed && (await tx.claims.ofLicenses("local", [claimed.id])).length === 0) {
      await tx.claims.record({ source: "local", licenseExternalId: claimed.id, licenseKey: claimed.key, nodeId: node });
    }
  });
}

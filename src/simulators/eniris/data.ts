import { deterministicUuid } from "../deterministic-uuid.js";

/**
 * Deterministic demo data for one Eniris brand. Same ids on every run; nothing random, nothing read from the
 * clock, so tests and the demo seeding can name ids directly. Dates are fixed relative to DEMO_EPOCH, and
 * "active" licenses run 120 months so they are still active at any plausible test date.
 */

export type EnirisBrand = "sofar" | "smartgridone";
export type EnirisLicenseType = "residential" | "commercial";
export type DemoLicenseState = "inactive" | "active" | "expired" | "deactivated";

export interface EnirisDemoCustomer {
  /** The Eniris company uuid (eniris.md "Inferred": customerId is that uuid). */
  id: string;
  name: string;
}

export interface EnirisDemoController {
  /** The device's own id in the device API; not the nodeId. */
  deviceId: string;
  nodeId: string;
  name: string;
  serialNumber: string;
  lastUpdate: string;
}

/** A License as the API returns it, plus `customerId`: the order link the API never returns (server side only). */
export interface EnirisDemoLicense {
  id: string;
  key: string;
  customerId: string;
  gridKw: number | null;
  solarKw: number | null;
  batteryKw: number | null;
  evKw: number | null;
  creationDate: string;
  activationDate: string | null;
  /** Months (eniris.md: unit not documented, read as months: inferred). */
  duration: number;
  deactivationDate: string | null;
  type: EnirisLicenseType;
}

/** An entry of `license_datalink`: what a claim creates (eniris.md "License endpoints"). */
export interface EnirisDemoDatalink {
  id: string;
  licenseId: string;
  nodeId: string;
  createdAt: string;
}

/** Handy ids for tests and the demo, each chosen from the seed by what it is, never by position. */
export interface EnirisDemoExamples {
  customerWithLicensesId: string;
  customerWithoutLicensesId: string;
  controllerWithLicensesNodeId: string;
  controllerWithoutLicensesNodeId: string;
  activeClaimedKey: string;
  activeUnclaimedKey: string;
  inactiveUnclaimedKey: string;
  expiredKey: string;
  deactivatedKey: string;
  /** gridKw, solarKw, batteryKw and evKw all set. */
  allKwSetKey: string;
}

export interface EnirisDemoData {
  brand: EnirisBrand;
  customers: EnirisDemoCustomer[];
  controllers: EnirisDemoController[];
  licenses: EnirisDemoLicense[];
  datalinks: EnirisDemoDatalink[];
  examples: EnirisDemoExamples;
}

export const DEMO_EPOCH = "2025-01-01T00:00:00Z";

type Kw = [grid: number | null, solar: number | null, battery: number | null, ev: number | null];

interface LicenseRow {
  customer: number;
  key: string;
  type: EnirisLicenseType;
  kw: Kw;
  state: DemoLicenseState;
  /** Index into the brand's controllers when the license is claimed. */
  claimedBy?: number;
}

interface BrandSeed {
  customers: string[];
  controllers: { name: string; serialNumber: string }[];
  nodeIdPrefix: string;
  licenses: LicenseRow[];
}

const SEEDS: Record<EnirisBrand, BrandSeed> = {
  sofar: {
    customers: ["Zonnepark Verbeke NV", "Familie Janssens", "Bakkerij De Smet BV", "Woning Peeters"],
    nodeIdPrefix: "sofar-ctrl",
    controllers: [
      { name: "Verbeke hall A", serialNumber: "SF-SGC-2401-0001" },
      { name: "Verbeke hall B", serialNumber: "SF-SGC-2401-0002" },
      { name: "Janssens home", serialNumber: "SF-SGC-2403-0017" },
      { name: "Spare controller (stock)", serialNumber: "SF-SGC-2405-0042" },
    ],
    licenses: [
      { customer: 0, key: "SOFAR-COM-0001", type: "commercial", kw: [250, 400, 200, 50], state: "active", claimedBy: 0 },
      { customer: 0, key: "SOFAR-COM-0002", type: "commercial", kw: [100, null, null, null], state: "inactive" },
      { customer: 0, key: "SOFAR-COM-0003", type: "commercial", kw: [150, 300, null, null], state: "deactivated", claimedBy: 1 },
      { customer: 1, key: "SOFAR-RES-0001", type: "residential", kw: [null, 8, 10, null], state: "active", claimedBy: 2 },
      { customer: 1, key: "SOFAR-RES-0002", type: "residential", kw: [null, 6, null, null], state: "expired", claimedBy: 2 },
      { customer: 1, key: "SOFAR-RES-0003", type: "residential", kw: [null, null, null, 11], state: "inactive" },
      { customer: 2, key: "SOFAR-RES-0004", type: "residential", kw: [null, 12, 15, null], state: "active" },
      { customer: 2, key: "SOFAR-RES-0005", type: "residential", kw: [17, null, null, null], state: "inactive" },
      { customer: 2, key: "SOFAR-COM-0004", type: "commercial", kw: [null, 50, null, null], state: "expired" },
    ],
  },
  smartgridone: {
    customers: ["Energiecooperatie Noorderlicht", "Familie Dubois", "Garage Vermeulen", "Appartement Lemaire"],
    nodeIdPrefix: "sgo-ctrl",
    controllers: [
      { name: "Noorderlicht main site", serialNumber: "SGO-2402-0001" },
      { name: "Dubois home", serialNumber: "SGO-2402-0002" },
      { name: "Vermeulen workshop", serialNumber: "SGO-2404-0009" },
      { name: "Demo rack 1", serialNumber: "SGO-2406-0100" },
      { name: "Demo rack 2", serialNumber: "SGO-2406-0101" },
    ],
    licenses: [
      { customer: 0, key: "SGO-COM-0001", type: "commercial", kw: [500, 750, 400, 120], state: "active", claimedBy: 0 },
      { customer: 0, key: "SGO-COM-0002", type: "commercial", kw: [200, null, null, null], state: "deactivated", claimedBy: 0 },
      { customer: 0, key: "SGO-COM-0003", type: "commercial", kw: [null, null, 300, null], state: "inactive" },
      { customer: 1, key: "SGO-RES-0001", type: "residential", kw: [null, 5, 5, null], state: "active" },
      { customer: 1, key: "SGO-RES-0002", type: "residential", kw: [null, 4, null, null], state: "expired" },
      { customer: 1, key: "SGO-RES-0003", type: "residential", kw: [null, null, null, 22], state: "inactive", claimedBy: 1 },
      { customer: 2, key: "SGO-COM-0004", type: "commercial", kw: [80, 120, null, 60], state: "active", claimedBy: 2 },
      { customer: 2, key: "SGO-RES-0004", type: "residential", kw: [null, 9, null, null], state: "expired", claimedBy: 2 },
      { customer: 2, key: "SGO-RES-0005", type: "residential", kw: [null, null, null, null], state: "inactive" },
    ],
  },
};

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

function isoAt(offsetMs: number): string {
  // Seed dates carry no milliseconds, like the spec's example ("2019-08-24T14:15:22Z").
  return new Date(Date.parse(DEMO_EPOCH) + offsetMs).toISOString().replace(".000Z", "Z");
}

/** Dates for each state; `index` spreads the rows so no two licenses share a timestamp. */
function datesFor(state: DemoLicenseState, index: number): Pick<EnirisDemoLicense, "activationDate" | "duration" | "deactivationDate"> {
  switch (state) {
    case "inactive":
      return { activationDate: null, duration: 120, deactivationDate: null };
    case "active": // runs until 2035
      return { activationDate: isoAt((30 + index) * DAY_MS), duration: 120, deactivationDate: null };
    case "expired": // three months from January 2025: over by April 2025
      return { activationDate: isoAt((10 + index) * DAY_MS), duration: 3, deactivationDate: null };
    case "deactivated": // would run until 2035 but was switched off in July 2025
      return { activationDate: isoAt((20 + index) * DAY_MS), duration: 120, deactivationDate: isoAt(200 * DAY_MS) };
  }
}

/** A fresh, independent copy of the brand's seed data on every call. */
export function enirisDemoData(brand: EnirisBrand): EnirisDemoData {
  const seed = SEEDS[brand];
  const customers = seed.customers.map((name, i) => ({ id: deterministicUuid(`eniris:${brand}:customer:${i}`), name }));
  const controllers = seed.controllers.map((c, i) => {
    const nodeId = `${seed.nodeIdPrefix}-${String(i + 1).padStart(3, "0")}`;
    return {
      deviceId: deterministicUuid(`eniris:${brand}:device:${nodeId}`),
      nodeId,
      name: c.name,
      serialNumber: c.serialNumber,
      lastUpdate: isoAt(180 * DAY_MS + i * HOUR_MS),
    };
  });
  const licenses: EnirisDemoLicense[] = seed.licenses.map((row, i) => ({
    id: deterministicUuid(`eniris:${brand}:license:${row.key}`),
    key: row.key,
    customerId: customers[row.customer]!.id,
    gridKw: row.kw[0],
    solarKw: row.kw[1],
    batteryKw: row.kw[2],
    evKw: row.kw[3],
    creationDate: isoAt((i - 60) * DAY_MS),
    ...datesFor(row.state, i),
    type: row.type,
  }));
  const datalinks = seed.licenses.flatMap((row, i) => {
    if (row.claimedBy === undefined) return [];
    const license = licenses[i]!;
    return [
      {
        id: deterministicUuid(`eniris:${brand}:datalink:${row.key}`),
        licenseId: license.id,
        nodeId: controllers[row.claimedBy]!.nodeId,
        // An hour after activation (or creation, for a license claimed before it was activated).
        createdAt: new Date(Date.parse(license.activationDate ?? license.creationDate) + HOUR_MS).toISOString().replace(".000Z", "Z"),
      },
    ];
  });
  return { brand, customers, controllers, licenses, datalinks, examples: pickExamples(seed, customers, controllers) };
}

function pickExamples(seed: BrandSeed, customers: EnirisDemoCustomer[], controllers: EnirisDemoController[]): EnirisDemoExamples {
  const rows = seed.licenses;
  const key = (what: string, test: (row: LicenseRow) => boolean): string => {
    const row = rows.find(test);
    if (row === undefined) throw new Error(`eniris demo seed has no ${what} license`);
    return row.key;
  };
  const claimedControllers = new Set(rows.flatMap((r) => (r.claimedBy === undefined ? [] : [r.claimedBy])));
  const customersWithLicenses = new Set(rows.map((r) => r.customer));
  const customerWithout = customers.find((_, i) => !customersWithLicenses.has(i));
  const controllerWithout = controllers.find((_, i) => !claimedControllers.has(i));
  if (customerWithout === undefined || controllerWithout === undefined) {
    throw new Error("eniris demo seed needs a customer and a controller without licenses");
  }
  return {
    customerWithLicensesId: customers[rows[0]!.customer]!.id,
    customerWithoutLicensesId: customerWithout.id,
    controllerWithLicensesNodeId: controllers[rows.find((r) => r.claimedBy !== undefined)!.claimedBy!]!.nodeId,
    controllerWithoutLicensesNodeId: controllerWithout.nodeId,
    activeClaimedKey: key("active claimed", (r) => r.state === "active" && r.claimedBy !== undefined),
    activeUnclaimedKey: key("active unclaimed", (r) => r.state === "active" && r.claimedBy === undefined),
    inactiveUnclaimedKey: key("inactive unclaimed", (r) => r.state === "inactive" && r.claimedBy === undefined),
    expiredKey: key("expired", (r) => r.state === "expired"),
    deactivatedKey: key("deactivated", (r) => r.state === "deactivated"),
    allKwSetKey: key("all-kW", (r) => r.kw.every((kw) => kw !== null)),
  };
}

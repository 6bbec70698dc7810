import { enirisDemoData, type EnirisBrand } from "../eniris/data.js";

/**
 * Deterministic demo data for one Cryptolens product. Same ids, keys and dates on every run; nothing random,
 * nothing read from the clock, so tests and the demo seeding can name them directly. Dates are fixed relative
 * to DEMO_EPOCH; "active" keys run 3650 days (into 2034-2035) so they stay valid at any plausible test date.
 *
 * One consistent world with the Eniris demo: the customers are the same companies, and machine codes (`mid`)
 * are nodeIds of the Eniris demo controllers (cryptolens.md "How the gateway maps it": MachineCode = nodeId).
 */

export const DEMO_EPOCH = "2025-01-01T00:00:00Z";
/** cryptolens.md and the seed example use product 3349. */
export const DEFAULT_CRYPTOLENS_PRODUCT_ID = 3349;

/**
 * The demo product's feature definitions. Cryptolens lets each product name its eight flags and mark one as
 * "time-limited" and one as "trial"; metadata.licenseStatus is computed from them (Cryptolens FAQ "Plan
 * ahead"). Which flag means what is the simulator's choice.
 */
export const CRYPTOLENS_FEATURE_NAMES = {
  f1: "Time-limited",
  f2: "Trial",
  f3: "Grid control",
  f4: "Solar",
  f5: "Battery",
  f6: "EV charging",
  f7: "Remote API",
  f8: "Priority support",
} as const;
export type CryptolensFeature = keyof typeof CRYPTOLENS_FEATURE_NAMES;
export const TIME_LIMITED_FEATURE: CryptolensFeature = "f1";
export const TRIAL_FEATURE: CryptolensFeature = "f2";

export interface CryptolensDemoCustomer {
  /** Cryptolens customer ids are integers. */
  id: number;
  name: string;
  email: string;
  companyName: string;
  /** For customer/GetCustomerLicensesBySecret. Never returned by the API. */
  secret: string;
  created: string;
}

export interface CryptolensDemoMachine {
  /** The machine code; here a controller nodeId. */
  mid: string;
  ip: string;
  time: string;
  friendlyName: string | null;
}

export interface CryptolensDemoDataObject {
  id: number;
  name: string;
  stringValue: string;
  intValue: number;
}

/** A LicenseKey as Detailed=true returns it, plus `customerId`: the link the server resolves into `customer`. */
export interface CryptolensDemoKey {
  productId: number;
  id: number;
  key: string;
  /** `YYYY-MM-DDTHH:mm:ss`, no zone (UTC meant), like the seed example. */
  created: string;
  expires: string;
  /** Days from `created` to `expires`. */
  period: number;
  f1: boolean;
  f2: boolean;
  f3: boolean;
  f4: boolean;
  f5: boolean;
  f6: boolean;
  f7: boolean;
  f8: boolean;
  notes: string;
  block: boolean;
  globalId: number;
  /** null: a key not assigned to any customer (still readable with key/GetKey). */
  customerId: number | null;
  /** 0 turns machine locking off: Activate succeeds and records nothing (Cryptolens FAQ "Setting to zero"). */
  maxNoOfMachines: number;
  activatedMachines: CryptolensDemoMachine[];
  dataObjects: CryptolensDemoDataObject[];
}

/** Handy values for tests and the demo, each chosen from the seed by what it is, never by position. */
export interface CryptolensDemoExamples {
  customerWithKeysId: number;
  customerWithKeysSecret: string;
  customerWithoutKeysId: number;
  customerWithoutKeysSecret: string;
  /** Valid, maxNoOfMachines 3 with 2 machines (controllers) activated: one slot free. */
  activeKeyWithFreeSlot: string;
  /** Valid, maxNoOfMachines 1, nothing activated yet. */
  activeUnactivatedKey: string;
  /** maxNoOfMachines 1 and that one machine is taken. */
  keyAtMachineLimit: string;
  /** block=true: GetKey, Activate and Deactivate refuse it; customer listings still show it. */
  blockedKey: string;
  /** Time-limited (f1) and `expires` in the past; not blocked, so Activate still works (see key-routes.ts). */
  expiredKey: string;
  /** f1=false: valid although `expires` is in the past (Cryptolens FAQ "Expiration date"). */
  nonTimeLimitedKey: string;
  /** maxNoOfMachines 0: Activate never records a machine. */
  unlimitedMachinesKey: string;
  /** f2 (trial) set. */
  trialKey: string;
  /** Belongs to no customer. */
  unassignedKey: string;
  keyActivatedOnController: string;
  /** A controller nodeId that `keyActivatedOnController` is activated on. */
  controllerWithKeyNodeId: string;
  /** An Eniris demo controller no key is activated on. */
  controllerWithoutKeyNodeId: string;
}

export interface CryptolensDemoData {
  productId: number;
  customers: CryptolensDemoCustomer[];
  keys: CryptolensDemoKey[];
  examples: CryptolensDemoExamples;
}

// ---- seed ----------------------------------------------------------------------------------------------

interface CustomerRow {
  id: number;
  name: string;
  email: string;
  companyName: string;
  secret: string;
  createdDay: number;
}

/** Same companies as the Eniris demo customers, so the demo world is one. */
const CUSTOMERS: CustomerRow[] = [
  {
    id: 101,
    name: "Pieter Verbeke",
    email: "pieter@verbeke.example",
    companyName: "Zonnepark Verbeke NV",
    secret: "cs-7QmX2rVk9TfB",
    createdDay: -400,
  },
  {
    id: 102,
    name: "Sanne de Vries",
    email: "beheer@noorderlicht.example",
    companyName: "Energiecooperatie Noorderlicht",
    secret: "cs-Lp4wN8zHc3Ds",
    createdDay: -300,
  },
  // Households have no company: an empty companyName is what Cryptolens stores then.
  { id: 103, name: "Camille Dubois", email: "camille.dubois@mail.example", companyName: "", secret: "cs-Ry6tJ1kQe5Wa", createdDay: -90 },
  { id: 104, name: "Jan Peeters", email: "jan.peeters@mail.example", companyName: "", secret: "cs-Gv2sU7mPo0Xn", createdDay: -20 },
];

interface MachineRow {
  brand: EnirisBrand;
  /** Index into that brand's Eniris demo controllers. */
  controller: number;
  friendlyName: string | null;
  ip: string;
  day: number;
}

interface KeyRow {
  key: string;
  customer: number | null;
  /** Which of f1..f8 are set. */
  features: CryptolensFeature[];
  createdDay: number;
  period: number;
  block?: boolean;
  maxNoOfMachines: 0 | 1 | 3;
  machines: MachineRow[];
  notes: string;
  dataObjects?: Omit<CryptolensDemoDataObject, "id">[];
}

// Keys: four groups of five uppercase letters, the Cryptolens (SKM15) format. IPs are documentation ranges.
const KEYS: KeyRow[] = [
  {
    key: "KXQMB-TRWAF-LZPNE-HDVGC",
    customer: 101,
    features: ["f1", "f3", "f4", "f5"],
    createdDay: -200,
    period: 3650,
    maxNoOfMachines: 3,
    machines: [
      { brand: "sofar", controller: 0, friendlyName: "Verbeke hall A", ip: "203.0.113.10", day: 20 },
      { brand: "sofar", controller: 1, friendlyName: "Verbeke hall B", ip: "203.0.113.11", day: 21 },
    ],
    notes: "Site licence, halls A and B",
    dataObjects: [
      { name: "site", stringValue: "Zonnepark Verbeke", intValue: 0 },
      { name: "gridKw", stringValue: "", intValue: 250 },
    ],
  },
  {
    key: "PWZRD-CMYKE-QHSLT-BNAFV",
    customer: 101,
    features: ["f1", "f3"],
    createdDay: -150,
    period: 3650,
    block: true,
    maxNoOfMachines: 1,
    machines: [],
    notes: "Blocked: duplicate order",
  },
  {
    key: "GJVNT-AXEQL-RMBWK-SZDPU",
    customer: 101,
    features: ["f3", "f7"],
    createdDay: -210,
    period: 365, // expires mid-2025, but f1 (time-limited) is off, so it stays valid
    maxNoOfMachines: 0,
    machines: [],
    notes: "Perpetual monitoring add-on",
  },
  {
    key: "DLSHF-NUQCZ-WETYB-KVMRA",
    customer: 102,
    features: ["f1", "f3", "f4", "f5", "f6", "f8"],
    createdDay: -120,
    period: 3650,
    maxNoOfMachines: 1,
    machines: [{ brand: "smartgridone", controller: 0, friendlyName: "Noorderlicht main site", ip: "198.51.100.20", day: 15 }],
    notes: "",
    dataObjects: [{ name: "contract", stringValue: "NL-2024-117", intValue: 0 }],
  },
  {
    key: "RCTAK-VHEMP-YBGZQ-LNWSD",
    customer: 102,
    features: ["f1", "f4"],
    createdDay: -30,
    period: 60, // expired at the end of January 2025
    maxNoOfMachines: 3,
    machines: [{ brand: "smartgridone", controller: 0, friendlyName: null, ip: "198.51.100.20", day: -29 }],
    notes: "Pilot, not renewed",
  },
  {
    key: "MUEYW-BFRJX-TKCVL-QAHZN",
    customer: 103,
    features: ["f1", "f4", "f5"],
    createdDay: -60,
    period: 3650,
    maxNoOfMachines: 1,
    machines: [],
    notes: "",
  },
  {
    key: "ZBNQS-EKDWH-VJLXR-CPTMY",
    customer: 103,
    features: ["f1", "f2", "f6"],
    createdDay: -10,
    period: 3650,
    maxNoOfMachines: 1,
    machines: [],
    notes: "Evaluation (trial)",
  },
  {
    key: "HFPXL-SQMAT-NGUDE-WRKBJ",
    customer: null,
    features: ["f1", "f3", "f4"],
    createdDay: -20,
    period: 3650,
    maxNoOfMachines: 3,
    machines: [],
    notes: "Stock key, not yet sold",
  },
];

const DAY_MS = 24 * 60 * 60 * 1000;
const FEATURES: CryptolensFeature[] = ["f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8"];

/** `YYYY-MM-DDTHH:mm:ss` without a zone, the seed example's format (Cryptolens means UTC). */
export function cryptolensDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}

/** Parses a Cryptolens date (no zone) as UTC. */
export function parseCryptolensDate(text: string): number {
  return Date.parse(`${text}Z`);
}

function dayAt(day: number, hour = 0): string {
  return cryptolensDate(Date.parse(DEMO_EPOCH) + day * DAY_MS + hour * 60 * 60 * 1000);
}

/** A fresh, independent copy of the seed on every call. */
export function cryptolensDemoData(productId: number = DEFAULT_CRYPTOLENS_PRODUCT_ID): CryptolensDemoData {
  const controllers = { sofar: enirisDemoData("sofar").controllers, smartgridone: enirisDemoData("smartgridone").controllers };
  const nodeId = (m: MachineRow): string => {
    const controller = controllers[m.brand][m.controller];
    if (controller === undefined)
      throw new Error(`cryptolens demo seed names eniris ${m.brand} controller #${m.controller}, which does not exist`);
    return controller.nodeId;
  };

  const customers = CUSTOMERS.map((c) => ({
    id: c.id,
    name: c.name,
    email: c.email,
    companyName: c.companyName,
    secret: c.secret,
    created: dayAt(c.createdDay),
  }));
  let dataObjectId = 9001;
  const keys: CryptolensDemoKey[] = KEYS.map((row, i) => {
    const flags = Object.fromEntries(FEATURES.map((f) => [f, row.features.includes(f)])) as Record<CryptolensFeature, boolean>;
    return {
      productId,
      id: i + 1,
      key: row.key,
      created: dayAt(row.createdDay),
      expires: dayAt(row.createdDay + row.period),
      period: row.period,
      ...flags,
      notes: row.notes,
      block: row.block ?? false,
      globalId: 731_000 + i + 1,
      customerId: row.customer,
      maxNoOfMachines: row.maxNoOfMachines,
      activatedMachines: row.machines.map((m, j) => ({
        mid: nodeId(m),
        ip: m.ip,
        time: dayAt(m.day, 9 + j),
        friendlyName: m.friendlyName,
      })),
      dataObjects: (row.dataObjects ?? []).map((d) => ({ id: dataObjectId++, ...d })),
    };
  });
  return { productId, customers, keys, examples: pickExamples(customers, keys, [...controllers.sofar, ...controllers.smartgridone]) };
}

function pickExamples(
  customers: CryptolensDemoCustomer[],
  keys: CryptolensDemoKey[],
  controllers: { nodeId: string }[],
): CryptolensDemoExamples {
  // Roles must hold at any plausible test date: "running" keys outlive 2027, "expired" ones ended before 2026.
  const running = (k: CryptolensDemoKey): boolean => parseCryptolensDate(k.expires) > Date.parse("2028-01-01T00:00:00Z");
  const endedBefore2026 = (k: CryptolensDemoKey): boolean => parseCryptolensDate(k.expires) < Date.parse("2026-01-01T00:00:00Z");
  const valid = (k: CryptolensDemoKey): boolean => !k.block && running(k) && !k[TRIAL_FEATURE];
  const key = (what: string, test: (k: CryptolensDemoKey) => boolean): CryptolensDemoKey => {
    const found = keys.find(test);
    if (found === undefined) throw new Error(`cryptolens demo seed has no ${what} key`);
    return found;
  };
  const customer = (what: string, test: (c: CryptolensDemoCustomer) => boolean): CryptolensDemoCustomer => {
    const found = customers.find(test);
    if (found === undefined) throw new Error(`cryptolens demo seed has no customer ${what}`);
    return found;
  };
  const withKeys = customer("with keys", (c) => keys.filter((k) => k.customerId === c.id).length >= 3);
  const withoutKeys = customer("without keys", (c) => !keys.some((k) => k.customerId === c.id));
  const activated = key("activated on a controller", (k) => valid(k) && k.activatedMachines.length > 0);
  const usedNodeIds = new Set(keys.flatMap((k) => k.activatedMachines.map((m) => m.mid)));
  const freeController = controllers.find((c) => !usedNodeIds.has(c.nodeId));
  if (freeController === undefined) throw new Error("cryptolens demo seed needs a controller no key is activated on");
  return {
    customerWithKeysId: withKeys.id,
    customerWithKeysSecret: withKeys.secret,
    customerWithoutKeysId: withoutKeys.id,
    customerWithoutKeysSecret: withoutKeys.secret,
    activeKeyWithFreeSlot: key(
      "active with a free slot",
      (k) => valid(k) && k.activatedMachines.length > 0 && k.activatedMachines.length < k.maxNoOfMachines,
    ).key,
    activeUnactivatedKey: key(
      "active unactivated",
      (k) => valid(k) && k.customerId !== null && k.maxNoOfMachines > 0 && k.activatedMachines.length === 0,
    ).key,
    keyAtMachineLimit: key(
      "at its machine limit",
      (k) => valid(k) && k.maxNoOfMachines > 0 && k.activatedMachines.length >= k.maxNoOfMachines,
    ).key,
    blockedKey: key("blocked", (k) => k.block).key,
    expiredKey: key("expired time-limited", (k) => !k.block && k[TIME_LIMITED_FEATURE] && endedBefore2026(k)).key,
    nonTimeLimitedKey: key("non-time-limited, past expires", (k) => !k.block && !k[TIME_LIMITED_FEATURE] && endedBefore2026(k)).key,
    unlimitedMachinesKey: key("unlimited machines", (k) => !k.block && k.maxNoOfMachines === 0).key,
    trialKey: key("trial", (k) => k[TRIAL_FEATURE]).key,
    unassignedKey: key("unassigned", (k) => k.customerId === null).key,
    keyActivatedOnController: activated.key,
    controllerWithKeyNodeId: activated.activatedMachines[0]!.mid,
    controllerWithoutKeyNodeId: freeController.nodeId,
  };
}

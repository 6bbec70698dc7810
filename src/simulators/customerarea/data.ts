/**
 * Deterministic demo data for the Customerarea (FlashStart reseller) simulator. Same ids on every run; nothing
 * random and nothing read from the clock, so tests and the demo seeding can name ids directly. Dates are fixed
 * relative to DEMO_EPOCH (2025-01-01); "active" licences run until 2028 so they stay active at any plausible test
 * date in 2026-2027, and "expired" ones ended in 2025.
 *
 * The field names here are the simulator's own (camelCase); the wire names (`license_code`, ...) live in the
 * routes' mapping functions, as the Eniris simulator does.
 */

/** The languages a licence name is written in (docs/vendors/documents/customerarea.txt `lang`, "defaults EN"; the list itself is inferred). */
export const CUSTOMERAREA_LANGS = ["EN", "IT", "FR", "DE"] as const;
export type CustomerareaLang = (typeof CUSTOMERAREA_LANGS)[number];

/**
 * Currencies and their fixed rates from EUR (docs/vendors/documents/customerarea.txt: `currency_code`, "default EUR", "See directory/currencies";
 * the list and the rates are inferred). The reseller credit is kept in EUR.
 */
export const CUSTOMERAREA_CURRENCIES = ["EUR", "USD", "GBP"] as const;
export type CustomerareaCurrency = (typeof CUSTOMERAREA_CURRENCIES)[number];
/** Units of each currency per EUR. */
export const EUR_RATES: Readonly<Record<CustomerareaCurrency, number>> = { EUR: 1, USD: 1.08, GBP: 0.86 };

/** customerarea.md: "at most 2 free trials (demo licences) per customer" (documented). */
export const DEMO_LIMIT_PER_CUSTOMER = 2;

/** Default reseller credit, EUR (inferred: the seed names the credit, never an amount). */
export const DEFAULT_CREDIT_EUR = 500;

/** The status a licence is stored with. The reported one may differ: see `reportedStatus` in the routes. */
export type CustomerareaLicenceStatus = "active" | "to_be_activated" | "trial" | "expired" | "renewed";

export interface CustomerareaDemoCustomer {
  /** The vendor's customer code (docs/vendors/documents/customerarea.txt: `customer_code` Number). */
  code: number;
  name: string;
  /**
   * Demo licences assigned so far. Counted separately from the trial licences still listed, so deleting a trial
   * does not give a free one back (inferred: the documented rule counts trials granted, not trials held).
   */
  demosUsed: number;
}

/** One product of `GET licenses/available`, prices in EUR. */
export interface CustomerareaCatalogueEntry {
  code: string;
  /** The name in each language; the routes pick one by `lang`. */
  names: Record<CustomerareaLang, string>;
  durationMonths: number;
  version: number;
  /** Protected devices the licence covers (inferred meaning of `license_quantity`). */
  quantity: number;
  /** Reseller loyalty points earned (inferred meaning of `license_points`). */
  points: number;
  amountEur: number;
}

/** A licence assigned to a customer, with the order link (`customerCode`) the list endpoint filters on. */
export interface CustomerareaDemoLicence {
  /** Integer id (inferred; docs/vendors/documents/customerarea.txt types `license_id` as String, so the routes accept "1007" and 1007). */
  id: number;
  customerCode: number;
  /** A catalogue code, or DEMO_PRODUCT.code for a trial. */
  code: string;
  /** `license_info`: the reseller's description, e.g. "Headquarter". */
  info: string;
  /** The language the licence was assigned in; names are written in it. */
  lang: CustomerareaLang;
  status: CustomerareaLicenceStatus;
  /** "YYYY-MM-DD HH:mm:ss", UTC (Laravel's default serialisation; inferred). Null until activated. */
  activationDate: string | null;
  expirationDate: string | null;
  durationMonths: number;
}

/** Handy ids for tests and the demo, each chosen by what it is, never by position. */
export interface CustomerareaDemoExamples {
  /** Has licences of every kind below and has used one of its two demos. */
  customerWithLicencesCode: number;
  customerWithOneDemoUsedCode: number;
  /** Has used both demos: a third is refused. */
  customerAtDemoLimitCode: number;
  /** No licences and no demos used. */
  customerWithoutLicencesCode: number;
  /** Not a customer of this reseller. */
  unknownCustomerCode: number;
  /** Active until 2028, renewable. */
  activeLicenceId: number;
  /** Ended in 2025, renewable. */
  expiredLicenceId: number;
  /** Assigned, never activated: no dates. */
  toBeActivatedLicenceId: number;
  /** Replaced by `renewalOfRenewedLicenceId`. */
  renewedLicenceId: number;
  renewalOfRenewedLicenceId: number;
  /** A demo that ran its month: stored as "trial", reported "expired". */
  expiredTrialLicenceId: number;
  /** Cheaper than the default credit. */
  affordableLicenseCode: string;
  /** Dearer than the default credit. */
  tooExpensiveLicenseCode: string;
}

export interface CustomerareaDemoData {
  customers: CustomerareaDemoCustomer[];
  catalogue: CustomerareaCatalogueEntry[];
  licences: CustomerareaDemoLicence[];
  /** The reseller's remaining credit, EUR. */
  credit: number;
  examples: CustomerareaDemoExamples;
}

export const DEMO_EPOCH = "2025-01-01T00:00:00Z";

/** What `POST licenses/demo` assigns (inferred: a one-month trial of the current version, not sold in the catalogue). */
export const DEMO_PRODUCT = {
  code: "FS-CLOUD-DEMO",
  durationMonths: 1,
  info: "Demo",
  names: {
    EN: "FlashStart Cloud Demo 1 month",
    IT: "FlashStart Cloud Demo 1 mese",
    FR: "FlashStart Cloud Démo 1 mois",
    DE: "FlashStart Cloud Demo 1 Monat",
  },
} as const satisfies { code: string; durationMonths: number; info: string; names: Record<CustomerareaLang, string> };

const MONTHS: Record<CustomerareaLang, (n: number) => string> = {
  EN: (n) => `${n} ${n === 1 ? "month" : "months"}`,
  IT: (n) => `${n} ${n === 1 ? "mese" : "mesi"}`,
  FR: (n) => `${n} mois`,
  DE: (n) => `${n} ${n === 1 ? "Monat" : "Monate"}`,
};

function product(
  code: string,
  line: string,
  version: number,
  durationMonths: number,
  quantity: number,
  amountEur: number,
): CustomerareaCatalogueEntry {
  const names = Object.fromEntries(CUSTOMERAREA_LANGS.map((lang) => [lang, `${line} ${MONTHS[lang](durationMonths)}`])) as Record<
    CustomerareaLang,
    string
  >;
  return { code, names, durationMonths, version, quantity, points: Math.round(amountEur / 10), amountEur };
}

const CATALOGUE: readonly CustomerareaCatalogueEntry[] = [
  product("FS-CLOUD-1M-V1", "FlashStart Cloud", 1, 1, 25, 9.9),
  product("FS-CLOUD-12M-V1", "FlashStart Cloud", 1, 12, 25, 99),
  product("FS-CLOUD-12M-V2", "FlashStart Cloud v2", 2, 12, 25, 119),
  product("FS-CLOUD-24M-V2", "FlashStart Cloud v2", 2, 24, 25, 219),
  product("FS-CLOUD-36M-V2", "FlashStart Cloud v2", 2, 36, 25, 299),
  product("FS-CLOUD-PRO-36M-V2", "FlashStart Cloud Pro", 2, 36, 250, 1490),
];

const CUSTOMERS: readonly CustomerareaDemoCustomer[] = [
  { code: 5001, name: "Rossi Impianti Srl", demosUsed: 1 },
  { code: 5002, name: "Studio Bianchi & Partners", demosUsed: 2 },
  { code: 5003, name: "Cooperativa Energia Verde", demosUsed: 0 },
  { code: 5004, name: "Martin Solaire SARL", demosUsed: 0 },
];

type Dates = [activation: string | null, expiration: string | null];

/** Every seeded licence; ids are consecutive from 1001 and the dates agree with each code's duration. */
const LICENCES: readonly CustomerareaDemoLicence[] = [
  licence(1001, 5001, "FS-CLOUD-36M-V2", "Headquarter", "IT", "active", ["2025-02-01 09:00:00", "2028-02-01 09:00:00"]),
  licence(1002, 5001, "FS-CLOUD-1M-V1", "Secondary Office", "IT", "expired", ["2025-01-10 09:00:00", "2025-02-10 09:00:00"]),
  licence(1003, 5001, "FS-CLOUD-12M-V2", "Warehouse", "IT", "to_be_activated", [null, null]),
  licence(1004, 5001, "FS-CLOUD-36M-V2", "Showroom", "IT", "renewed", ["2022-01-10 09:00:00", "2025-01-10 09:00:00"]),
  licence(1005, 5001, "FS-CLOUD-36M-V2", "Showroom", "IT", "active", ["2025-01-10 09:00:00", "2028-01-10 09:00:00"]),
  licence(1006, 5001, DEMO_PRODUCT.code, DEMO_PRODUCT.info, "IT", "trial", ["2024-11-15 10:00:00", "2024-12-15 10:00:00"]),
  licence(1007, 5002, DEMO_PRODUCT.code, DEMO_PRODUCT.info, "EN", "trial", ["2024-10-01 10:00:00", "2024-11-01 10:00:00"]),
  licence(1008, 5002, DEMO_PRODUCT.code, DEMO_PRODUCT.info, "EN", "trial", ["2024-11-02 10:00:00", "2024-12-02 10:00:00"]),
  licence(1009, 5002, "FS-CLOUD-24M-V2", "Headquarter", "EN", "expired", ["2023-01-05 08:30:00", "2025-01-05 08:30:00"]),
  licence(1010, 5004, "FS-CLOUD-36M-V2", "Headquarter", "FR", "active", ["2025-03-01 08:00:00", "2028-03-01 08:00:00"]),
];

function licence(
  id: number,
  customerCode: number,
  code: string,
  info: string,
  lang: CustomerareaLang,
  status: CustomerareaLicenceStatus,
  [activationDate, expirationDate]: Dates,
): CustomerareaDemoLicence {
  const durationMonths = code === DEMO_PRODUCT.code ? DEMO_PRODUCT.durationMonths : CATALOGUE.find((p) => p.code === code)!.durationMonths;
  return { id, customerCode, code, info, lang, status, activationDate, expirationDate, durationMonths };
}

export interface CustomerareaDemoDataOptions {
  /** The reseller's credit, EUR. Default DEFAULT_CREDIT_EUR (500). */
  credit?: number;
}

/** A fresh, independent copy of the seed on every call. */
export function customerareaDemoData(options: CustomerareaDemoDataOptions = {}): CustomerareaDemoData {
  const customers = CUSTOMERS.map((c) => ({ ...c }));
  const catalogue = CATALOGUE.map((p) => ({ ...p, names: { ...p.names } }));
  const licences = LICENCES.map((l) => ({ ...l }));
  return {
    customers,
    catalogue,
    licences,
    credit: options.credit ?? DEFAULT_CREDIT_EUR,
    examples: pickExamples(customers, catalogue, licences),
  };
}

function pickExamples(
  customers: CustomerareaDemoCustomer[],
  catalogue: CustomerareaCatalogueEntry[],
  licences: CustomerareaDemoLicence[],
): CustomerareaDemoExamples {
  const id = (what: string, test: (l: CustomerareaDemoLicence) => boolean): number => {
    const found = licences.find(test);
    if (found === undefined) throw new Error(`customerarea demo seed has no ${what} licence`);
    return found.id;
  };
  const customer = (what: string, test: (c: CustomerareaDemoCustomer) => boolean): number => {
    const found = customers.find(test);
    if (found === undefined) throw new Error(`customerarea demo seed has no customer ${what}`);
    return found.code;
  };
  const renewed = licences.find((l) => l.status === "renewed");
  const renewal = licences.find(
    (l) => l.status === "active" && renewed !== undefined && l.code === renewed.code && l.activationDate === renewed.expirationDate,
  );
  if (renewed === undefined || renewal === undefined) throw new Error("customerarea demo seed needs a renewed licence and its renewal");
  const affordable = catalogue.find((p) => p.amountEur <= DEFAULT_CREDIT_EUR / 2 && p.durationMonths === 12 && p.version === 2);
  const tooExpensive = catalogue.find((p) => p.amountEur > DEFAULT_CREDIT_EUR);
  if (affordable === undefined || tooExpensive === undefined)
    throw new Error("customerarea demo catalogue needs an affordable and a too expensive code");
  const oneDemo = customer("with one demo used", (c) => c.demosUsed === 1);
  return {
    customerWithLicencesCode: oneDemo,
    customerWithOneDemoUsedCode: oneDemo,
    customerAtDemoLimitCode: customer("at the demo limit", (c) => c.demosUsed === DEMO_LIMIT_PER_CUSTOMER),
    customerWithoutLicencesCode: customer("without licences", (c) => c.demosUsed === 0 && !licences.some((l) => l.customerCode === c.code)),
    unknownCustomerCode: 9999,
    activeLicenceId: id("active", (l) => l.status === "active" && l.customerCode === oneDemo),
    expiredLicenceId: id("expired", (l) => l.status === "expired" && l.customerCode === oneDemo),
    toBeActivatedLicenceId: id("to be activated", (l) => l.status === "to_be_activated"),
    renewedLicenceId: renewed.id,
    renewalOfRenewedLicenceId: renewal.id,
    expiredTrialLicenceId: id("trial", (l) => l.status === "trial" && l.customerCode === oneDemo),
    affordableLicenseCode: affordable.code,
    tooExpensiveLicenseCode: tooExpensive.code,
  };
}

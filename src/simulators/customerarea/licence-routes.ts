import type { ServerResponse } from "node:http";
import {
  CUSTOMERAREA_CURRENCIES,
  CUSTOMERAREA_LANGS,
  DEMO_LIMIT_PER_CUSTOMER,
  DEMO_PRODUCT,
  EUR_RATES,
  type CustomerareaCatalogueEntry,
  type CustomerareaCurrency,
  type CustomerareaDemoCustomer,
  type CustomerareaDemoData,
  type CustomerareaDemoLicence,
  type CustomerareaLang,
  type CustomerareaLicenceStatus,
} from "./data.js";
import { NOT_FOUND_MESSAGES, RULE_ERROR_KEYS, sendContent, sendCustomerareaError, sendValidationError } from "./envelope.js";
import { validate, type FieldRule } from "./request-input.js";

/** The six `licenses*` operations of customerarea.md over the simulator's live data. */

export interface LicenceState {
  data: CustomerareaDemoData;
  /** Epoch milliseconds; the simulator's clock option (default Date.now). */
  now(): number;
  /** The id for a new licence: one more than any id handed out or present. */
  nextLicenceId(): number;
}

export type LicenceHandler = (state: LicenceState, params: Record<string, unknown>, res: ServerResponse) => void;

// ---- shared rules ----------------------------------------------------------------------------------------

const LANG = { type: "string", oneOf: CUSTOMERAREA_LANGS } as const satisfies FieldRule;
const CURRENCY = { type: "string", oneOf: CUSTOMERAREA_CURRENCIES } as const satisfies FieldRule;
const CUSTOMER_CODE = { type: "numeric", required: true } as const satisfies FieldRule;
/** Seed 002 types `license_id` as String; ids are integers, so "1007" and 1007 both name licence 1007 (inferred). */
const LICENSE_ID = { type: "numeric", required: true } as const satisfies FieldRule;
const ACCEPT_NOTIFICATIONS = { type: "boolean" } as const satisfies FieldRule;

// ---- dates and money -------------------------------------------------------------------------------------

/** "YYYY-MM-DD HH:mm:ss" in UTC: Laravel's default date serialisation (inferred; the seed shows no dates). */
export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

function parseDate(text: string): number {
  return Date.parse(`${text.replace(" ", "T")}Z`);
}

/** Calendar months, overflowing like Carbon's addMonths() (31 January + 1 month = 3 March). */
function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
}

function round2(amount: number): number {
  return Math.round(amount * 100) / 100;
}

function priceIn(entry: CustomerareaCatalogueEntry, currency: CustomerareaCurrency): number {
  return round2(entry.amountEur * EUR_RATES[currency]);
}

// ---- mapping to the wire ---------------------------------------------------------------------------------

/**
 * The status a client sees: an "active" or "trial" licence past its expiration reads "expired" (inferred: the
 * vendor computes expiry, nobody flips a flag), so a demo assigned today is "trial" for a month and then expired.
 */
export function reportedStatus(licence: CustomerareaDemoLicence, now: number): CustomerareaLicenceStatus {
  const running = licence.status === "active" || licence.status === "trial";
  if (running && licence.expirationDate !== null && parseDate(licence.expirationDate) <= now) return "expired";
  return licence.status;
}

function licenceName(data: CustomerareaDemoData, code: string, lang: CustomerareaLang): string {
  if (code === DEMO_PRODUCT.code) return DEMO_PRODUCT.names[lang];
  return data.catalogue.find((p) => p.code === code)?.names[lang] ?? code;
}

/** customerarea.md `GET licenses` item shape, field by field: the server-side `customerCode` and `lang` never leak. */
function licenceJson(state: LicenceState, licence: CustomerareaDemoLicence, lang: CustomerareaLang = licence.lang) {
  return {
    license_id: licence.id,
    license_code: licence.code,
    license_name: licenceName(state.data, licence.code, lang),
    license_info: licence.info,
    status: reportedStatus(licence, state.now()),
    activation_date: licence.activationDate,
    expiration_date: licence.expirationDate,
    license_duration_months: licence.durationMonths,
  };
}

function offerJson(entry: CustomerareaCatalogueEntry, lang: CustomerareaLang, currency: CustomerareaCurrency) {
  return {
    license_code: entry.code,
    license_name: entry.names[lang],
    license_duration_months: entry.durationMonths,
    license_version: entry.version,
    license_quantity: entry.quantity,
    license_points: entry.points,
    license_amount: priceIn(entry, currency),
    license_amount_currency: currency,
  };
}

// ---- lookups that answer on failure ----------------------------------------------------------------------

/** Inferred: an unknown customer is 404 `{"code":404,"message":"customer not found"}`, not a validation error. */
function findCustomer(state: LicenceState, code: number, res: ServerResponse): CustomerareaDemoCustomer | undefined {
  const customer = state.data.customers.find((c) => c.code === code);
  if (customer === undefined) sendCustomerareaError(res, 404, NOT_FOUND_MESSAGES.customer);
  return customer;
}

/** Inferred: a licence unknown, or another customer's, is 404 `{"code":404,"message":"license not found"}`. */
function findLicence(
  state: LicenceState,
  customer: CustomerareaDemoCustomer,
  id: number,
  res: ServerResponse,
): CustomerareaDemoLicence | undefined {
  const licence = state.data.licences.find((l) => l.id === id && l.customerCode === customer.code);
  if (licence === undefined) sendCustomerareaError(res, 404, NOT_FOUND_MESSAGES.licence);
  return licence;
}

/** Documented rule "assigning a bulk licence needs enough credit"; the shape (500, errors.credit) is inferred. */
function enoughCredit(state: LicenceState, priceEur: number, res: ServerResponse): boolean {
  if (state.data.credit >= priceEur) return true;
  sendValidationError(res, {
    [RULE_ERROR_KEYS.credit]: [
      `The reseller credit (${state.data.credit.toFixed(2)} EUR) is not enough for this license (${priceEur.toFixed(2)} EUR).`,
    ],
  });
  return false;
}

function catalogueRules(data: CustomerareaDemoData) {
  // Laravel `exists` on a case-insensitive MySQL collation: "fs-cloud-12m-v2" names FS-CLOUD-12M-V2.
  return { type: "string", required: true, oneOf: data.catalogue.map((p) => p.code) } as const satisfies FieldRule;
}

// ---- the operations --------------------------------------------------------------------------------------

/** `GET licenses/available` (documented): the catalogue, filtered; an unknown `license_code` filters to []. */
export const availableLicences: LicenceHandler = (state, params, res) => {
  const checked = validate(params, {
    customer_code: CUSTOMER_CODE,
    lang: LANG,
    version_code: { type: "numeric" },
    license_duration: { type: "numeric" },
    license_code: { type: "string" },
    currency_code: CURRENCY,
  });
  if (!checked.ok) return sendValidationError(res, checked.errors);
  const { customer_code, lang = "EN", version_code, license_duration, license_code, currency_code = "EUR" } = checked.values;
  if (findCustomer(state, customer_code, res) === undefined) return;
  const offers = state.data.catalogue
    .filter((p) => version_code === undefined || p.version === version_code)
    .filter((p) => license_duration === undefined || p.durationMonths === license_duration)
    .filter((p) => license_code === undefined || p.code.toLowerCase() === license_code.toLowerCase())
    .map((p) => offerJson(p, lang, currency_code));
  sendContent(res, offers);
};

/**
 * `POST licenses/demo`: a one-month "trial" from now. The third demo for one customer is refused with
 * `errors.demo` (documented rule, inferred shape); deleting a trial does not give the demo back.
 */
export const assignDemo: LicenceHandler = (state, params, res) => {
  const checked = validate(params, { customer_code: CUSTOMER_CODE, lang: LANG, accept_notifications: ACCEPT_NOTIFICATIONS });
  if (!checked.ok) return sendValidationError(res, checked.errors);
  const customer = findCustomer(state, checked.values.customer_code, res);
  if (customer === undefined) return;
  if (customer.demosUsed >= DEMO_LIMIT_PER_CUSTOMER) {
    return sendValidationError(res, {
      [RULE_ERROR_KEYS.demoLimit]: [
        `The customer has already been assigned the maximum number of demo licenses (${DEMO_LIMIT_PER_CUSTOMER}).`,
      ],
    });
  }
  const start = Math.floor(state.now() / 1000) * 1000;
  const licence: CustomerareaDemoLicence = {
    id: state.nextLicenceId(),
    customerCode: customer.code,
    code: DEMO_PRODUCT.code,
    info: DEMO_PRODUCT.info,
    lang: checked.values.lang ?? "EN",
    status: "trial",
    activationDate: formatDate(start),
    expirationDate: formatDate(addMonths(start, DEMO_PRODUCT.durationMonths)),
    durationMonths: DEMO_PRODUCT.durationMonths,
  };
  customer.demosUsed += 1;
  state.data.licences.push(licence);
  sendContent(res, licenceJson(state, licence));
};

/**
 * `POST licenses/bulk`: a "to_be_activated" licence without dates (inferred: its months start when the customer
 * activates it in FlashStart), paid from the reseller credit in EUR. The answer adds `license_amount` and
 * `license_amount_currency`: the price charged, in `currency_code` (inferred; docs/vendors/documents/customerarea.txt "Currency for the deducted
 * amount").
 */
export const assignBulk: LicenceHandler = (state, params, res) => {
  const checked = validate(params, {
    customer_code: CUSTOMER_CODE,
    license_code: catalogueRules(state.data),
    license_info: { type: "string", required: true, max: 255 },
    accept_notifications: ACCEPT_NOTIFICATIONS,
    currency_code: CURRENCY,
  });
  if (!checked.ok) return sendValidationError(res, checked.errors);
  const { customer_code, license_code, license_info, currency_code = "EUR" } = checked.values;
  const customer = findCustomer(state, customer_code, res);
  if (customer === undefined) return;
  const entry = state.data.catalogue.find((p) => p.code === license_code)!;
  if (!enoughCredit(state, entry.amountEur, res)) return;
  state.data.credit = round2(state.data.credit - entry.amountEur);
  const licence: CustomerareaDemoLicence = {
    id: state.nextLicenceId(),
    customerCode: customer.code,
    code: entry.code,
    info: license_info,
    lang: "EN",
    status: "to_be_activated",
    activationDate: null,
    expirationDate: null,
    durationMonths: entry.durationMonths,
  };
  state.data.licences.push(licence);
  sendContent(res, {
    ...licenceJson(state, licence),
    license_amount: priceIn(entry, currency_code),
    license_amount_currency: currency_code,
  });
};

/**
 * `POST licenses/renew` (inferred meaning): a paid licence that is "active" or "expired" is replaced by a new one
 * (new id, same code and info, "active") that starts when the old one ends, or now if it already ended. The old
 * one becomes "renewed". The catalogue price is charged as for bulk. A trial, a to_be_activated or an already
 * renewed licence is refused with `errors.license_id`.
 */
export const renewLicence: LicenceHandler = (state, params, res) => {
  const checked = validate(params, { license_id: LICENSE_ID, customer_code: CUSTOMER_CODE });
  if (!checked.ok) return sendValidationError(res, checked.errors);
  const customer = findCustomer(state, checked.values.customer_code, res);
  if (customer === undefined) return;
  const old = findLicence(state, customer, checked.values.license_id, res);
  if (old === undefined) return;
  const now = state.now();
  const status = reportedStatus(old, now);
  const entry = state.data.catalogue.find((p) => p.code === old.code);
  if (entry === undefined || (status !== "active" && status !== "expired")) {
    return sendValidationError(res, { [RULE_ERROR_KEYS.notRenewable]: [`The license cannot be renewed (status ${status}).`] });
  }
  if (!enoughCredit(state, entry.amountEur, res)) return;
  state.data.credit = round2(state.data.credit - entry.amountEur);
  const oldEnd = old.expirationDate === null ? now : parseDate(old.expirationDate);
  const start = Math.max(oldEnd, Math.floor(now / 1000) * 1000);
  const renewal: CustomerareaDemoLicence = {
    ...old,
    id: state.nextLicenceId(),
    status: "active",
    activationDate: formatDate(start),
    expirationDate: formatDate(addMonths(start, entry.durationMonths)),
    durationMonths: entry.durationMonths,
  };
  old.status = "renewed";
  state.data.licences.push(renewal);
  sendContent(res, { ...licenceJson(state, renewal), license_amount: entry.amountEur, license_amount_currency: "EUR" });
};

/** `POST licenses/delete` (inferred meaning): the licence leaves the customer's list; no credit is refunded. */
export const deleteLicence: LicenceHandler = (state, params, res) => {
  const checked = validate(params, { license_id: LICENSE_ID, customer_code: CUSTOMER_CODE });
  if (!checked.ok) return sendValidationError(res, checked.errors);
  const customer = findCustomer(state, checked.values.customer_code, res);
  if (customer === undefined) return;
  const licence = findLicence(state, customer, checked.values.license_id, res);
  if (licence === undefined) return;
  state.data.licences.splice(state.data.licences.indexOf(licence), 1);
  sendContent(res, { deleted: true });
};

/**
 * `GET licenses` (inferred endpoint): the customer's licences by id, renewed ones included. `lang` (inferred)
 * overrides the language each licence was assigned in.
 */
export const listLicences: LicenceHandler = (state, params, res) => {
  const checked = validate(params, { customer_code: CUSTOMER_CODE, lang: LANG });
  if (!checked.ok) return sendValidationError(res, checked.errors);
  const customer = findCustomer(state, checked.values.customer_code, res);
  if (customer === undefined) return;
  const lang = checked.values.lang;
  const licences = state.data.licences
    .filter((l) => l.customerCode === customer.code)
    .sort((a, b) => a.id - b.id)
    .map((l) => licenceJson(state, l, lang));
  sendContent(res, licences);
};

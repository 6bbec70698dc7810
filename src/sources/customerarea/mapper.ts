import type { License, LicenseStatus } from "../../domain/model.js";
import { addMonths, deriveStatus } from "../../domain/status.js";
import type { LicenseOffer } from "../source.js";
import { parseVendorDate, type CustomerareaLicence, type CustomerareaOffer, type CustomerareaStatus } from "./vendor-types.js";

function date(value: string | null | undefined): Date | null {
  return value ? parseVendorDate(value) : null;
}

/**
 * A Customerarea licence → the one License model.
 *
 * - `externalId` and `key` are both `license_id`. The vendor has no licence key: `license_code` names a product
 *   that many licences share, while `license_id` is unique and is what renew and delete take, so it is what a
 *   user types to find or claim the licence (`License.key` = "1001").
 * - `type` is `license_code`: stable and language-independent (`license_name` is translated per `lang`), and the
 *   same code an offer has (`LicenseOffer.code`).
 * - `expiresAt` is `expiration_date`; when the vendor gives none, activation + `license_duration_months` (inferred).
 * - No creation date, power limits or features at this vendor: null. No notion of controllers either, so
 *   `maxControllers` is null and `datalinks` null: the gateway's own claims supply the links.
 */
export function toLicense(source: string, raw: CustomerareaLicence, accountId: string | null, now: Date): License {
  const activatedAt = date(raw.activation_date);
  const durationMonths = raw.license_duration_months ?? null;
  const expiresAt = date(raw.expiration_date) ?? addMonths(activatedAt, durationMonths);
  return {
    source,
    externalId: raw.license_id,
    key: raw.license_id,
    type: raw.license_code,
    status: statusOf(raw.status, activatedAt, expiresAt, now),
    gridKw: null,
    solarKw: null,
    batteryKw: null,
    evKw: null,
    createdAt: null,
    activatedAt,
    expiresAt,
    deactivatedAt: null,
    durationMonths,
    features: null,
    maxControllers: null,
    account: accountId === null ? null : { source, externalId: accountId },
    customerId: null,
    datalinks: null,
  };
}

/**
 * The vendor's status → the gateway's. The vendor's word decides where it is definite; for licences it calls
 * running, the dates decide (with the rule every source shares), because its "active" may lag behind the clock.
 *
 * - `to_be_activated` → INACTIVE; `expired` → EXPIRED.
 * - `active` and `trial` (a running demo) → ACTIVE, or EXPIRED once past `expiresAt`. The vendor calling it
 *   running is its activation, so a missing activation date does not make it INACTIVE.
 * - `renewed` (inferred meaning: a successor licence was created to follow it) → by its dates as well: a renewal
 *   does not cut short the term already paid, and a controller claimed with it stays licensed until it ends. With
 *   no end date it is read as EXPIRED, since the successor is the one in force.
 */
function statusOf(status: CustomerareaStatus, activatedAt: Date | null, expiresAt: Date | null, now: Date): LicenseStatus {
  switch (status) {
    case "to_be_activated":
      return "INACTIVE";
    case "expired":
      return "EXPIRED";
    case "renewed":
      if (expiresAt === null) return "EXPIRED";
      return deriveStatus({ activatedAt: activatedAt ?? now, expiresAt, deactivatedAt: null }, now);
    case "active":
    case "trial":
      return deriveStatus({ activatedAt: activatedAt ?? now, expiresAt, deactivatedAt: null }, now);
  }
}

/** An item of `licenses/available` → a LicenseOffer. The price is `license_amount` in `license_amount_currency`. */
export function toOffer(source: string, raw: CustomerareaOffer): LicenseOffer {
  return {
    source,
    code: raw.license_code,
    name: raw.license_name ?? raw.license_code,
    durationMonths: raw.license_duration_months ?? null,
    version: raw.license_version ?? null,
    quantity: raw.license_quantity ?? null,
    points: raw.license_points ?? null,
    price: raw.license_amount ?? null,
    currency: raw.license_amount_currency ?? null,
  };
}

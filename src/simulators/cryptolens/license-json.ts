import { parseCryptolensDate, TIME_LIMITED_FEATURE, TRIAL_FEATURE, type CryptolensDemoData, type CryptolensDemoKey } from "./data.js";

/** The response shapes of cryptolens.md, field by field: the server-side `customerId` and secrets never leak. */

const DAY_MS = 24 * 60 * 60 * 1000;

/** BasicLicenseKey: what Detailed=false lists (cryptolens.md; docs/vendors/documents/cryptolens.txt example). */
export function basicLicenseKeyJson(key: CryptolensDemoKey) {
  return {
    productId: key.productId,
    id: key.id,
    key: key.key,
    created: key.created,
    expires: key.expires,
    period: key.period,
    f1: key.f1,
    f2: key.f2,
    f3: key.f3,
    f4: key.f4,
    f5: key.f5,
    f6: key.f6,
    f7: key.f7,
    f8: key.f8,
    notes: key.notes,
    block: key.block,
    globalId: key.globalId,
  };
}

/** LicenseKey: BasicLicenseKey plus customer, activatedMachines, maxNoOfMachines and dataObjects (cryptolens.md). */
export function licenseKeyJson(data: CryptolensDemoData, key: CryptolensDemoKey) {
  const customer = key.customerId === null ? undefined : data.customers.find((c) => c.id === key.customerId);
  return {
    ...basicLicenseKeyJson(key),
    // A key without a customer has `customer: null` (simulator choice; the .NET model's default).
    customer:
      customer === undefined
        ? null
        : { id: customer.id, name: customer.name, email: customer.email, companyName: customer.companyName, created: customer.created },
    activatedMachines: key.activatedMachines.map((m) => ({ mid: m.mid, ip: m.ip, time: m.time, friendlyName: m.friendlyName })),
    maxNoOfMachines: key.maxNoOfMachines,
    dataObjects: key.dataObjects.map((d) => ({ id: d.id, name: d.name, stringValue: d.stringValue, intValue: d.intValue })),
  };
}

/**
 * Metadata for one key (cryptolens.md: `{activatedMachines, licenseStatus{isValid, reasonForInvalidity, trial,
 * timeLimited, timeLeft}}`). Cryptolens derives licenseStatus from the product's feature definitions; here F1
 * means time-limited and F2 trial (data.ts). An expiry date only matters for a time-limited key (Cryptolens
 * FAQ "Expiration date"). Simulator choices: `timeLeft` is whole days left (0 when expired or not
 * time-limited), and the reasonForInvalidity texts below ("" when valid).
 */
export function keyMetadataJson(key: CryptolensDemoKey, now: number) {
  const timeLimited = key[TIME_LIMITED_FEATURE];
  const msLeft = parseCryptolensDate(key.expires) - now;
  const expired = timeLimited && msLeft <= 0;
  const reasonForInvalidity = key.block ? "The license is blocked." : expired ? "The license has expired." : "";
  return {
    activatedMachines: key.activatedMachines.length,
    licenseStatus: {
      isValid: reasonForInvalidity === "",
      reasonForInvalidity,
      trial: key[TRIAL_FEATURE],
      timeLimited,
      timeLeft: timeLimited && msLeft > 0 ? Math.floor(msLeft / DAY_MS) : 0,
    },
  };
}

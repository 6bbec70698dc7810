import { unsupported, DAY_MS, type ChangeOutcome, type LicenseChange } from "../license-change.js";
import type { CustomerareaDemoData } from "./data.js";

/**
 * Customerarea licences are found by their id (the gateway's `key` for them is the id too). They carry a status
 * and an end date; Customerarea knows nothing of controllers, so there is nothing to release there.
 */
export function changeCustomerareaLicence(data: CustomerareaDemoData, key: string, change: LicenseChange, now = Date.now()): ChangeOutcome {
  const licence = data.licences.find((l) => String(l.id) === key);
  if (!licence) return { ok: false, status: 404, message: `no licence with id ${JSON.stringify(key)}` };
  switch (change.kind) {
    case "expire":
      licence.expirationDate = laravelTime(now - DAY_MS);
      licence.activationDate ??= laravelTime(now - 30 * DAY_MS);
      if (licence.status === "to_be_activated") licence.status = "active";
      return { ok: true };
    case "expireInDays":
      licence.expirationDate = laravelTime(now + change.days * DAY_MS);
      licence.activationDate ??= laravelTime(now);
      if (licence.status === "to_be_activated" || licence.status === "expired") licence.status = "active";
      return { ok: true };
    case "remove":
      data.licences.splice(data.licences.indexOf(licence), 1);
      return { ok: true };
    default:
      return unsupported("Customerarea", change.kind);
  }
}

/** "YYYY-MM-DD HH:mm:ss", UTC, as the seed writes them. */
function laravelTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

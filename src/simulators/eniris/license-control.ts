import { unsupported, notFound, DAY_MS, type ChangeOutcome, type LicenseChange } from "../license-change.js";
import type { EnirisDemoData, EnirisDemoLicense } from "./data.js";

/**
 * Eniris keeps no end date: a license ends `duration` months after its activation (docs/vendors/eniris.md), so
 * moving its end moves its activation. It has no block; deactivation is its way to stop one.
 */
export function changeEnirisLicense(data: EnirisDemoData, key: string, change: LicenseChange, now = Date.now()): ChangeOutcome {
  const license = data.licenses.find((l) => l.key === key);
  if (!license) return notFound(key);
  switch (change.kind) {
    case "expire":
      endAt(license, now - DAY_MS);
      return { ok: true };
    case "expireInDays":
      endAt(license, now + change.days * DAY_MS);
      return { ok: true };
    case "deactivate":
      license.deactivationDate = new Date(now).toISOString();
      return { ok: true };
    case "release":
      removeLinks(data, license.id);
      return { ok: true };
    case "remove":
      removeLinks(data, license.id);
      data.licenses.splice(data.licenses.indexOf(license), 1);
      return { ok: true };
    default:
      return unsupported("Eniris", change.kind);
  }
}

/** An activation `duration` calendar months before `end`, so the license ends then. */
function endAt(license: EnirisDemoLicense, end: number): void {
  const start = new Date(end);
  start.setUTCMonth(start.getUTCMonth() - license.duration);
  license.activationDate = start.toISOString();
  license.deactivationDate = null;
}

function removeLinks(data: EnirisDemoData, licenseId: string): void {
  for (let i = data.datalinks.length - 1; i >= 0; i--) if (data.datalinks[i]!.licenseId === licenseId) data.datalinks.splice(i, 1);
}

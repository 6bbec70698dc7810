import { unsupported, notFound, DAY_MS, type ChangeOutcome, type LicenseChange } from "../license-change.js";
import type { CryptolensDemoData } from "./data.js";

/** Cryptolens keys carry their end (`Expires`), a `Block` flag and the machines activated on them. */
export function changeCryptolensKey(data: CryptolensDemoData, key: string, change: LicenseChange, now = Date.now()): ChangeOutcome {
  const found = data.keys.find((k) => k.key === key);
  if (!found) return notFound(key);
  switch (change.kind) {
    case "expire":
      found.expires = cryptolensTime(now - DAY_MS);
      return { ok: true };
    case "expireInDays":
      found.expires = cryptolensTime(now + change.days * DAY_MS);
      return { ok: true };
    case "block":
    case "unblock":
      found.block = change.kind === "block";
      return { ok: true };
    case "release":
      found.activatedMachines = [];
      return { ok: true };
    case "remove":
      data.keys.splice(data.keys.indexOf(found), 1);
      return { ok: true };
    default:
      return unsupported("Cryptolens", change.kind);
  }
}

/** `YYYY-MM-DDTHH:mm:ss`, no zone, as the seed writes them. */
function cryptolensTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

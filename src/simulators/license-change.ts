/**
 * A change made to a license at a simulator, behind the gateway's back (issue 16's demo): what a vendor's own
 * back office or another reseller would do, so the gateway's sync has something to notice. Each simulator applies
 * the ones its vendor has (`<vendor>/license-control.ts`) and says so for the others.
 */
export type LicenseChange =
  /** Its end moves to a day ago: EXPIRED. */
  | { kind: "expire" }
  /** Its end moves to `days` from now: EXPIRING at the thresholds it crosses. */
  | { kind: "expireInDays"; days: number }
  /** Blocked at the vendor (Cryptolens `Block`). */
  | { kind: "block" }
  | { kind: "unblock" }
  /** Deactivated at the vendor (Eniris `deactivationDate`). */
  | { kind: "deactivate" }
  /** Every controller link removed. */
  | { kind: "release" }
  /** Deleted at the vendor. */
  | { kind: "remove" };

export const LICENSE_CHANGE_KINDS = ["expire", "expireInDays", "block", "unblock", "deactivate", "release", "remove"] as const;

/** What applying a change did: done, or why it could not be (no such license, or not a thing this vendor does). */
export type ChangeOutcome = { ok: true } | { ok: false; status: 404 | 400; message: string };

export const notFound = (key: string): ChangeOutcome => ({ ok: false, status: 404, message: `no license with key ${JSON.stringify(key)}` });
export const unsupported = (vendor: string, kind: string): ChangeOutcome => ({
  ok: false,
  status: 400,
  message: `${vendor} has no "${kind}" for a license`,
});

/** Reads a change from a parsed JSON body: `{ "kind": "expireInDays", "days": 5 }`; null when it is not one. */
export function parseLicenseChange(body: unknown): LicenseChange | null {
  if (typeof body !== "object" || body === null) return null;
  const { kind, days } = body as { kind?: unknown; days?: unknown };
  if (kind === "expireInDays") {
    return typeof days === "number" && Number.isInteger(days) && days >= 0 && days <= 3650 ? { kind, days } : null;
  }
  return (LICENSE_CHANGE_KINDS as readonly unknown[]).includes(kind) ? ({ kind } as LicenseChange) : null;
}

export const DAY_MS = 86_400_000;

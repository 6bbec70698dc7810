import type { IndexedLicense } from "../domain/license-events.js";

/** A license of the index with when the sync last wrote it. */
export type IndexedRow = IndexedLicense & { indexedAt: Date };

/** Why a controller's claims conflict. */
export type ConflictReason =
  /** Two or more active licenses of the same type claim it: one of them is paid for nothing. */
  | "SAME_TYPE_TWICE"
  /** Active licenses at two or more sources claim it: two vendors each think they steer it. */
  | "SEVERAL_SOURCES";

export interface ClaimConflict {
  nodeId: string;
  reason: ConflictReason;
  /** The licenses involved, by source and external id. */
  licenses: IndexedRow[];
}

export interface HealthReport {
  /** Active licenses that end within the horizon and that no other license takes over from (see `replaces`). */
  expiringWithoutReplacement: IndexedRow[];
  /** The customer's controllers that no active license claims, by node id. */
  controllersWithoutActiveLicense: string[];
  claimConflicts: ClaimConflict[];
}

/**
 * The health of one customer's licenses, from the index alone (no vendor call): what a support desk or a partner's
 * renewal job asks first. Pure, so every rule is tested on its own (test/federation/customer-health.test.ts).
 *
 * - Expiring without replacement: ACTIVE, `expiresAt` within `horizonDays` of `now`, and no replacement: another
 *   license of the customer, ACTIVE or INACTIVE (bought, not yet activated), that runs longer (no expiry, or a later
 *   one) and covers the same ground: it claims one of the same controllers, or, when the expiring one claims
 *   none, it is of the same type.
 * - A controller without an active license: registered to the customer, claimed by no ACTIVE license.
 * - Conflicts, per controller among the ACTIVE licenses that claim it: two of the same type (SAME_TYPE_TWICE), or
 *   licenses at two sources (SEVERAL_SOURCES); a controller can be in both.
 */
export function customerHealth(
  licenses: readonly IndexedRow[],
  controllers: readonly string[],
  now: Date,
  horizonDays: number,
): HealthReport {
  const horizon = now.getTime() + horizonDays * 86_400_000;
  const active = licenses.filter((l) => l.status === "ACTIVE");
  const expiringWithoutReplacement = active.filter((l) => {
    const ends = l.expiresAt?.getTime();
    if (ends === undefined || ends <= now.getTime() || ends > horizon) return false;
    return !licenses.some((other) => other !== l && replaces(other, l));
  });

  const claimedByActive = new Map<string, IndexedRow[]>();
  for (const l of active) for (const nodeId of l.nodeIds) claimedByActive.set(nodeId, [...(claimedByActive.get(nodeId) ?? []), l]);
  const controllersWithoutActiveLicense = [...new Set(controllers)].filter((nodeId) => !claimedByActive.has(nodeId)).sort();

  const claimConflicts: ClaimConflict[] = [];
  for (const [nodeId, claims] of [...claimedByActive].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (claims.length < 2) continue;
    const byType = new Map<string, IndexedRow[]>();
    for (const l of claims) if (l.type !== null) byType.set(l.type, [...(byType.get(l.type) ?? []), l]);
    const twice = [...byType.values()].filter((same) => same.length > 1).flat();
    if (twice.length > 0) claimConflicts.push({ nodeId, reason: "SAME_TYPE_TWICE", licenses: twice });
    if (new Set(claims.map((l) => l.source)).size > 1) claimConflicts.push({ nodeId, reason: "SEVERAL_SOURCES", licenses: claims });
  }
  return { expiringWithoutReplacement, controllersWithoutActiveLicense, claimConflicts };
}

/** Whether `other` takes over from `expiring`: usable, runs longer, and covers the same controllers or type. */
function replaces(other: IndexedRow, expiring: IndexedRow): boolean {
  if (other.status !== "ACTIVE" && other.status !== "INACTIVE") return false;
  const otherEnds = other.expiresAt?.getTime() ?? Infinity;
  if (otherEnds <= (expiring.expiresAt?.getTime() ?? Infinity)) return false;
  if (expiring.nodeIds.length > 0) return other.nodeIds.some((nodeId) => expiring.nodeIds.includes(nodeId));
  return expiring.type !== null && other.type === expiring.type;
}

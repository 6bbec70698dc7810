import { LICENSE_EVENT_TYPES, type IndexedLicense, type LicenseEventType, type NewLicenseEvent } from "../domain/license-events.js";

const DAY_MS = 86_400_000;

/**
 * A license of the previous snapshot. `indexedAt` is when that snapshot was read (the index row's indexed_at); it
 * is what "already within a threshold at the previous sync" is measured at.
 */
export type PreviousLicense = IndexedLicense & { indexedAt?: Date };

/**
 * What changed between two snapshots of the same account at one source (`before`: the index, `after`: the vendor's
 * answer just read). Pure: same input, same events, in the same order (by externalId, then the order of
 * LICENSE_EVENT_TYPES, then nodeId).
 *
 * The rules, per license (keyed by source and externalId):
 * - absent before: `APPEARED` alone. Its status, links and nearness to expiry are its state when the gateway first
 *   saw it, not changes it saw happen (the event carries `status` and `expiresAt` for whoever wants them).
 * - absent after: `REMOVED`, with the status and customer it last had.
 * - status: INACTIVE→ACTIVE `ACTIVATED`; →BLOCKED `BLOCKED`; BLOCKED→ `UNBLOCKED`; →EXPIRED `EXPIRED` (so BLOCKED→EXPIRED
 *   is both UNBLOCKED and EXPIRED: each says something a subscriber may filter on); any other change `STATUS_CHANGED`.
 * - links: each node id added `CLAIMED`, each removed `RELEASED`.
 * - `EXPIRING`, for an ACTIVE license only (a blocked or deactivated one is not running out): the tightest configured
 *   threshold its expiry is now within (0 < expiresAt - now <= threshold days) fires when it is tighter than the
 *   tightest it was within at the previous sync. So each threshold fires at most once per expiry date, and when one
 *   sync crosses several at once (30 and 7 both crossed since the last read) only the tightest fires: the wider one
 *   is old news by then. When the expiry date moved (renewed), or the license was not ACTIVE at the previous sync,
 *   the previous sync counts as within none, so it can fire again. When the previous sync's time is unknown
 *   (`previousAt` absent and the row carries no `indexedAt`), it is taken as `now`: nothing can be told to have
 *   crossed, so nothing fires rather than something twice.
 *
 * `previousAt`: when `before` was read; default each row's own `indexedAt`.
 */
export function detectChanges(
  before: readonly PreviousLicense[],
  after: readonly IndexedLicense[],
  now: Date,
  thresholdsDays: readonly number[],
  previousAt?: Date,
): NewLicenseEvent[] {
  const thresholds = [...new Set(thresholdsDays)].sort((a, b) => a - b);
  const previous = new Map(before.map((l) => [keyOf(l), l]));
  const current = new Map(after.map((l) => [keyOf(l), l]));
  const events: NewLicenseEvent[] = [];
  const event = (license: IndexedLicense, type: LicenseEventType, extra: Partial<NewLicenseEvent> = {}): NewLicenseEvent => ({
    type,
    at: now,
    origin: "SYNC",
    source: license.source,
    externalId: license.externalId,
    customerId: license.customerId,
    status: license.status,
    previousStatus: null,
    nodeId: null,
    expiresAt: license.expiresAt,
    thresholdDays: null,
    ...extra,
  });

  for (const [key, was] of previous) if (!current.has(key)) events.push(event(was, "REMOVED"));
  for (const [key, is] of current) {
    const was = previous.get(key);
    if (was === undefined) {
      events.push(event(is, "APPEARED"));
      continue;
    }
    for (const type of statusEvents(was.status, is.status)) events.push(event(is, type, { previousStatus: was.status }));
    const wasLinked = new Set(was.nodeIds);
    const isLinked = new Set(is.nodeIds);
    for (const nodeId of isLinked) if (!wasLinked.has(nodeId)) events.push(event(is, "CLAIMED", { nodeId }));
    for (const nodeId of wasLinked) if (!isLinked.has(nodeId)) events.push(event(is, "RELEASED", { nodeId }));
    const crossed = crossedThreshold(was, is, now, previousAt ?? was.indexedAt ?? now, thresholds);
    if (crossed !== null) events.push(event(is, "EXPIRING", { thresholdDays: crossed }));
  }
  return events.sort(byOrder);
}

/** The status events of one change of status, per the rules above; none when it did not change. */
function statusEvents(was: IndexedLicense["status"], is: IndexedLicense["status"]): LicenseEventType[] {
  if (was === is) return [];
  const types: LicenseEventType[] = [];
  if (was === "INACTIVE" && is === "ACTIVE") types.push("ACTIVATED");
  if (is === "BLOCKED") types.push("BLOCKED");
  if (was === "BLOCKED") types.push("UNBLOCKED");
  if (is === "EXPIRED") types.push("EXPIRED");
  return types.length > 0 ? types : ["STATUS_CHANGED"];
}

/** The threshold `is` came within since the previous sync (see detectChanges), or null. */
function crossedThreshold(
  was: IndexedLicense,
  is: IndexedLicense,
  now: Date,
  previousAt: Date,
  thresholds: readonly number[],
): number | null {
  if (is.status !== "ACTIVE") return null;
  const tier = tightestWithin(is.expiresAt, now, thresholds);
  if (tier === null) return null;
  const sameExpiry = (was.expiresAt?.getTime() ?? null) === (is.expiresAt?.getTime() ?? null);
  const previousTier = was.status === "ACTIVE" && sameExpiry ? tightestWithin(was.expiresAt, previousAt, thresholds) : null;
  return previousTier === null || tier < previousTier ? tier : null;
}

/** The smallest threshold (days) that `expiresAt` is within, seen at `at`; null when none or already past. */
function tightestWithin(expiresAt: Date | null, at: Date, thresholds: readonly number[]): number | null {
  if (expiresAt === null) return null;
  const left = expiresAt.getTime() - at.getTime();
  if (left <= 0) return null;
  return thresholds.find((days) => left <= days * DAY_MS) ?? null;
}

const keyOf = (l: IndexedLicense) => `${l.source}\u0000${l.externalId}`;

const TYPE_ORDER = new Map<LicenseEventType, number>(LICENSE_EVENT_TYPES.map((type, i) => [type, i]));

function byOrder(a: NewLicenseEvent, b: NewLicenseEvent): number {
  return (
    compare(a.source, b.source) ||
    compare(a.externalId, b.externalId) ||
    TYPE_ORDER.get(a.type)! - TYPE_ORDER.get(b.type)! ||
    compare(a.nodeId ?? "", b.nodeId ?? "")
  );
}

/** Code-unit order, not locale order: the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

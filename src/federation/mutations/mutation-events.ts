import type { LicenseEvent, LicenseEventType, NewLicenseEvent } from "../../domain/license-events.js";
import type { License, LicenseStatus } from "../../domain/model.js";
import type { Store } from "../../store/store.js";

/** Where committed events go once their transaction has committed: the event bus of every replica (src/events/). */
export type PublishEvents = (events: LicenseEvent[]) => void;

/**
 * One event a mutation reports at once (issue 16), rather than leaving it to the next sync: the same shape the sync's
 * change detection gives, with origin MUTATION, so the sync does not report it again (src/sync/sync-job.ts).
 */
export function mutationEvent(
  type: LicenseEventType,
  license: License,
  customerId: string | null,
  extra: { previousStatus?: LicenseStatus; nodeId?: string } = {},
): NewLicenseEvent {
  return {
    type,
    at: new Date(),
    origin: "MUTATION",
    source: license.source,
    externalId: license.externalId,
    customerId,
    status: license.status,
    previousStatus: extra.previousStatus ?? null,
    nodeId: extra.nodeId ?? null,
    expiresAt: license.expiresAt,
    thresholdDays: null,
  };
}

/**
 * Appends `events` in the mutation's own transaction (they commit with it, or not at all) and returns what to
 * publish once it has committed.
 */
export async function appendInTransaction(tx: Store, events: readonly (NewLicenseEvent | null)[]): Promise<LicenseEvent[]> {
  const present = events.filter((e): e is NewLicenseEvent => e !== null);
  return present.length === 0 ? [] : tx.licenseEvents.append(present);
}

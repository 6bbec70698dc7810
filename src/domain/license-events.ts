import type { LicenseStatus } from "./model.js";

/**
 * What the license index keeps of one license (issue 16): enough to tell, between two reads of a source, what
 * changed, and to answer `licenses(filter:)` across customers without asking the vendors. Keyed by
 * (source, externalId). Never the license key: it is a credential of the customer's, and the index and the event
 * log are read by more people (partners, webhook receivers) than the license itself.
 */
export interface IndexedLicense {
  source: string;
  externalId: string;
  /** The vendor account the license was listed under: sync reads one account at a time. */
  account: string;
  /** The gateway customer that maps that account; null when none does any more. */
  customerId: string | null;
  status: LicenseStatus;
  type: string | null;
  activatedAt: Date | null;
  expiresAt: Date | null;
  /** The controllers it is linked to, sorted, without repeats: what `CLAIMED` and `RELEASED` are told from. */
  nodeIds: string[];
}

/**
 * What can happen to a license, as the diff of two snapshots tells it (src/sync/change-detection.ts) and as the
 * gateway's own mutations report it at once. One change may be several events: a license activated and claimed
 * between two syncs is `ACTIVATED` and `CLAIMED`.
 */
export const LICENSE_EVENT_TYPES = [
  /** Listed for the first time under a mapped account. */
  "APPEARED",
  /** No longer listed under its account (deleted at the vendor, or the account no longer mapped). */
  "REMOVED",
  /** INACTIVE to ACTIVE. */
  "ACTIVATED",
  /** A controller link appeared (`nodeId` says which). */
  "CLAIMED",
  /** A controller link went away (`nodeId` says which). */
  "RELEASED",
  "BLOCKED",
  /** BLOCKED to anything else. */
  "UNBLOCKED",
  /** To EXPIRED. */
  "EXPIRED",
  /** Its expiry came within one of the configured thresholds (`thresholdDays`), once per threshold and expiry date. */
  "EXPIRING",
  /** Any other status change (e.g. ACTIVE to DEACTIVATED): `status` and `previousStatus` say which. */
  "STATUS_CHANGED",
] as const;

export type LicenseEventType = (typeof LICENSE_EVENT_TYPES)[number];

/** Who noticed: the sync, diffing a vendor's answer against the index, or a mutation made through the gateway. */
export type LicenseEventOrigin = "SYNC" | "MUTATION";

/** An event before the store gives it its cursor. */
export interface NewLicenseEvent {
  type: LicenseEventType;
  /** When it was noticed (the sync's read, or the mutation's commit). */
  at: Date;
  origin: LicenseEventOrigin;
  source: string;
  /** The vendor's id for the license; `licenseId(source, externalId)` is its GraphQL id. */
  externalId: string;
  /** The gateway customer it belongs to, what authorization filters on; null when no customer maps its account. */
  customerId: string | null;
  status: LicenseStatus;
  /** The status before, for status events; null for APPEARED and for link events. */
  previousStatus: LicenseStatus | null;
  /** The controller, for CLAIMED and RELEASED; null otherwise. */
  nodeId: string | null;
  expiresAt: Date | null;
  /** For EXPIRING: the threshold crossed (e.g. 30 or 7); null otherwise. */
  thresholdDays: number | null;
}

/** An event as stored: `cursor` grows by one per event across the whole log, never reused. */
export interface LicenseEvent extends NewLicenseEvent {
  cursor: number;
}

/** Which events a subscriber, a poller or a webhook wants; an absent field matches all. */
export interface LicenseEventFilter {
  customerIds?: readonly string[] | undefined;
  sources?: readonly string[] | undefined;
  types?: readonly LicenseEventType[] | undefined;
}

export function matchesEventFilter(event: NewLicenseEvent, filter: LicenseEventFilter): boolean {
  if (filter.types && !filter.types.includes(event.type)) return false;
  if (filter.sources && !filter.sources.includes(event.source)) return false;
  if (filter.customerIds && (event.customerId === null || !filter.customerIds.includes(event.customerId))) return false;
  return true;
}

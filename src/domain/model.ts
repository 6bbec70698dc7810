/**
 * The one model every source maps into. Whatever the vendor, a License means the same thing: `source` is the
 * configured source id, `externalId` the vendor's own id for it, and the dates are UTC instants.
 * Fields a vendor does not have are null, never invented.
 */
export type LicenseStatus = "INACTIVE" | "ACTIVE" | "EXPIRED" | "DEACTIVATED" | "BLOCKED";

/** A customer as a source knows it: the source id and that source's id for the customer. */
export interface AccountRef {
  source: string;
  externalId: string;
}

export interface License {
  source: string;
  externalId: string;
  key: string;
  type: string | null;
  status: LicenseStatus;
  gridKw: number | null;
  solarKw: number | null;
  batteryKw: number | null;
  evKw: number | null;
  createdAt: Date | null;
  activatedAt: Date | null;
  expiresAt: Date | null;
  deactivatedAt: Date | null;
  durationMonths: number | null;
  /** Feature flags the license enables, by the vendor's names (Cryptolens "f1".."f8"); null when the vendor has none. */
  features: string[] | null;
  /** How many controllers it may be claimed for; null when the vendor sets no limit or has no such notion. */
  maxControllers: number | null;
  /** The account the source listed this license under, when it was read through one. */
  account: AccountRef | null;
  /** The gateway customer id, when the source itself knows it (local licenses). */
  customerId: string | null;
  /**
   * Links to controllers as the source reported them, or null when this read did not include them
   * (then the federation layer asks for them).
   */
  datalinks: Datalink[] | null;
  /** Set when this license was read through a controller: the source links it to that node. */
  viaNodeId?: string;
}

export interface Datalink {
  /** Unique across sources, see `datalinkId`. */
  id: string;
  source: string;
  licenseExternalId: string;
  /** The vendor's own id for the link, when it has one and the gateway knows it. */
  vendorId: string | null;
  /** The controller, when known; null rather than guessed. */
  nodeId: string | null;
  createdAt: Date | null;
}

/** A controller as one source describes it. */
export interface ControllerInfo {
  nodeId: string;
  source: string;
  name: string | null;
  serialNumber: string | null;
}

/**
 * The gateway's own store as a source: the `source` of every local license, claim and customer account. Taken
 * whatever the configuration says, so no configured source and no customer id may use it.
 */
export const LOCAL_SOURCE_ID = "local";

/** `License.id`: unique across sources and stable, because both parts are. */
export function licenseId(source: string, externalId: string): string {
  return `${source}:${externalId}`;
}

export function parseLicenseId(id: string): AccountRefLike | null {
  const at = id.indexOf(":");
  if (at <= 0 || at === id.length - 1) return null;
  return { source: id.slice(0, at), externalId: id.slice(at + 1) };
}

type AccountRefLike = { source: string; externalId: string };

/**
 * `Datalink.id`: the vendor's link id under its source when the gateway knows it ("sofar:dl:<uuid>"), otherwise
 * the gateway's own name for the pair it does know ("sofar:dl:<license>@<nodeId>").
 */
export function datalinkId(source: string, vendorId: string | null, licenseExternalId: string, nodeId: string | null): string {
  return vendorId !== null ? `${source}:dl:${vendorId}` : `${source}:dl:${licenseExternalId}@${nodeId ?? "unknown"}`;
}

import type { License } from "./model.js";

/**
 * The names of what cached data depends on. A read records the tags of what it read; a change invalidates the
 * tags of what it changed; the caches drop every entry carrying one of them. Tags name data, not who may see
 * it: invalidating by them is always safe, however the data was reached.
 *
 * In the domain layer because both sides of that exchange use them: the store names what a write changed, the
 * caches and the federation's reads name what an answer depends on; neither side imports the other for it.
 */
export const tag = {
  /** A source's answer about one of its accounts (its licenses, its profile, its catalogue). */
  account: (source: string, accountId: string) => `${source}:acct:${accountId}`,
  /** One license at a source, by the source's id for it. */
  license: (source: string, externalId: string) => `${source}:lic:${externalId}`,
  /** One license at a source, by its key. */
  licenseKey: (source: string, key: string) => `${source}:key:${key}`,
  /** A source's answer about one controller (its licenses there, the vendor's device). */
  node: (source: string, nodeId: string) => `${source}:node:${nodeId}`,
  /** A directory source's hardware for one serial number. */
  serial: (source: string, serialNumber: string) => `${source}:serial:${serialNumber}`,
  /** The gateway's own record of a customer, its accounts and its controllers. */
  customer: (customerId: string) => `customer:${customerId}`,
  /** The list of customers (a new one changes every page after it). */
  customerList: "customers",
  /** Which gateway customers hold accounts at a source. */
  accountsAt: (source: string) => `accounts-at:${source}`,
  /** The gateway's registry entry for a controller. */
  controller: (nodeId: string) => `controller:${nodeId}`,
  /** The claims the gateway recorded for a controller, at any source. */
  claimsOfNode: (nodeId: string) => `claims-node:${nodeId}`,
  /** The claims the gateway recorded at a source. */
  claimsAt: (source: string) => `claims-at:${source}`,
} as const;

/** What a read of `license` depends on: the license itself, by id and by key. */
export function licenseTags(license: Pick<License, "source" | "externalId" | "key">): string[] {
  return [tag.license(license.source, license.externalId), tag.licenseKey(license.source, license.key)];
}

export function licenseListTags(licenses: readonly License[]): string[] {
  return licenses.flatMap(licenseTags);
}

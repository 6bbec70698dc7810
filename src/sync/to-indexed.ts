import type { IndexedLicense } from "../domain/license-events.js";
import type { License } from "../domain/model.js";
import type { ClaimRow } from "../store/claims.js";

/**
 * What the index keeps of a license read under `account`, mapped to `customerId`: never its key (see IndexedLicense).
 *
 * The controllers it is linked to (`nodeIds`) are told the way the federation's reads tell them
 * (src/federation/reads/datalinks.ts), from the vendor's links and the gateway's own claims of the license
 * (`claims`), without any further vendor call:
 * - Cryptolens lists its links with their node ids (`activatedMachines[].mid`): taken as they are.
 * - Eniris lists link ids only (`includeDatalinks=true`, node id null): each is resolved by the claim recorded with
 *   that vendor id, or, for a license with one link and one claim, by that claim; link-nodes.ts fills in the others
 *   beforehand from the controllers' license lists. A link still unresolved is left out rather than guessed.
 * - Customerarea has no links (`datalinks` null, `claimsKeptByGateway`): the gateway's claims are the links.
 * - When every vendor link resolved, claims without a vendor link id that the vendor's list does not show are links
 *   too (a Cryptolens key without a machine limit records no machine), as the reads count them.
 * Sorted, without repeats: a snapshot compares equal whatever order the vendor listed them in.
 */
export function toIndexed(license: License, account: string, customerId: string | null, claims: readonly ClaimRow[]): IndexedLicense {
  return {
    source: license.source,
    externalId: license.externalId,
    account,
    customerId,
    status: license.status,
    type: license.type,
    activatedAt: license.activatedAt,
    expiresAt: license.expiresAt,
    nodeIds: linkedNodes(license, claims),
  };
}

function linkedNodes(license: License, allClaims: readonly ClaimRow[]): string[] {
  const claims = allClaims.filter((c) => c.source === license.source && c.licenseExternalId === license.externalId);
  const links = license.datalinks;
  if (links === null) return sortedUnique(claims.map((c) => c.nodeId));
  const resolved = links.map((link) => {
    if (link.nodeId !== null) return link.nodeId;
    const byVendorId = link.vendorId === null ? undefined : claims.find((c) => c.vendorDatalinkId === link.vendorId);
    if (byVendorId) return byVendorId.nodeId;
    return links.length === 1 && claims.length === 1 ? claims[0]!.nodeId : null;
  });
  const known = resolved.filter((nodeId): nodeId is string => nodeId !== null);
  // An unresolved link may be one of the claims: adding them then could count one link twice. A claim with a vendor id
  // the list no longer shows is a link the vendor removed (released behind the gateway's back), not an extra one.
  const extra = known.length === resolved.length ? claims.filter((c) => c.vendorDatalinkId === null).map((c) => c.nodeId) : [];
  return sortedUnique([...known, ...extra]);
}

function sortedUnique(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

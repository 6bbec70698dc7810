import { claimToDatalink } from "../../sources/local/mapper.js";
import type { ClaimRow } from "../../store/claims.js";
import { datalinkId, type Datalink, type License } from "../../domain/model.js";
import * as customers from "./customers.js";
import { settle, type ReadDeps, type ReportPartial } from "./read-deps.js";

/** The license's links to controllers, each with its controller when the gateway can know it. */
export async function ofLicense(deps: ReadDeps, license: License, report: ReportPartial): Promise<Datalink[]> {
  const claims = await deps.loaders.claimsOfLicense.load({ source: license.source, id: license.externalId });
  let links = license.datalinks;
  if (links === null && license.account) {
    const lists = await settle([deps.loaders.accountLicenses.load({ source: license.source, id: license.account.externalId })], report);
    links = lists.flat().find((l) => l.externalId === license.externalId)?.datalinks ?? null;
  }
  if (links === null) {
    // Read through a controller, with no vendor list of links: what the gateway knows is its claims and that node.
    const known = claims.map(claimToDatalink);
    if (license.viaNodeId && !known.some((d) => d.nodeId === license.viaNodeId)) {
      known.push(derivedLink(license, license.viaNodeId));
    }
    return known;
  }
  const linkCount = links.length;
  const resolved = await Promise.all(
    links.map((link) => (link.nodeId !== null ? withClaimTime(link, claims) : resolveNode(deps, license, link, linkCount, claims, report))),
  );
  // Claims the gateway made that the vendor's list does not show (Cryptolens records no machine for a key
  // without a machine limit) are still links: the vendor accepted them.
  // A vendor link whose controller stayed unknown may be one of those claims, so then nothing is added.
  if (resolved.some((d) => d.nodeId === null)) return resolved;
  const shown = new Set(resolved.map((d) => d.nodeId));
  return [...resolved, ...claims.filter((c) => !shown.has(c.nodeId)).map(claimToDatalink)];
}

/**
 * Forgets the claims this request read for a license: a mutation that just recorded one reads them again, so its
 * payload shows what a later request will.
 */
export function forgetClaims(deps: ReadDeps, source: string, licenseExternalId: string): void {
  deps.loaders.claimsOfLicense.clear({ source, id: licenseExternalId });
}

/**
 * Which controller a vendor link points at, when the vendor does not say: a claim the gateway recorded for it,
 * or the one controller registered for the license's customer whose license list holds it. Null otherwise.
 */
async function resolveNode(
  deps: ReadDeps,
  license: License,
  link: Datalink,
  linkCount: number,
  rows: ClaimRow[],
  report: ReportPartial,
): Promise<Datalink> {
  const byVendorId = rows.find((c) => c.vendorDatalinkId === link.vendorId);
  if (byVendorId) return { ...link, nodeId: byVendorId.nodeId, createdAt: link.createdAt ?? byVendorId.createdAt };
  if (linkCount === 1 && rows.length === 1) return { ...link, nodeId: rows[0]!.nodeId, createdAt: link.createdAt ?? rows[0]!.createdAt };
  if (linkCount !== 1) return link;
  const customer = await customers.ofLicense(deps, license);
  if (!customer) return link;
  const controllers = await deps.loaders.controllersOfCustomer.load(customer.id);
  const holders: string[] = [];
  const lists = await settle(
    controllers.map(async (c) => ({
      nodeId: c.nodeId,
      licenses: await deps.loaders.controllerLicenses.load({ source: license.source, id: c.nodeId }),
    })),
    report,
  );
  for (const { nodeId, licenses } of lists) if (licenses.some((l) => l.externalId === license.externalId)) holders.push(nodeId);
  return holders.length === 1 ? { ...link, nodeId: holders[0]! } : link;
}

/**
 * A link's time is the vendor's when it gives one, else the gateway's claim for it, whichever way the link was
 * reached: an Eniris link read through its account gets its claim's time (resolveNode), so the same link known
 * by its controller must too, or one link would have two values.
 */
function withClaimTime(link: Datalink, claims: readonly ClaimRow[]): Datalink {
  if (link.createdAt !== null) return link;
  const claim = claims.find((c) => (link.vendorId !== null && c.vendorDatalinkId === link.vendorId) || c.nodeId === link.nodeId);
  return claim ? { ...link, createdAt: claim.createdAt } : link;
}

/** The link a license read through a controller has to that controller, though no claim or vendor list shows it. */
function derivedLink(license: License, nodeId: string): Datalink {
  return {
    id: datalinkId(license.source, null, license.externalId, nodeId),
    source: license.source,
    licenseExternalId: license.externalId,
    vendorId: null,
    nodeId,
    createdAt: null,
  };
}

import type { LicenseSource } from "../../sources/source.js";
import type { SourceKey } from "../loaders.js";
import { LOCAL_SOURCE_ID, type License, type LicenseStatus } from "../../domain/model.js";
import { settle, type ReadDeps, type ReportPartial } from "./read-deps.js";

/** Narrows a license list; both filters are optional. */
export interface LicenseFilter {
  source?: string | null;
  status?: LicenseStatus | null;
}

/** Everything listed under a customer's accounts is that customer's, so a visible customer's list is not filtered. */
export async function ofCustomer(deps: ReadDeps, customerId: string, filter: LicenseFilter, report: ReportPartial): Promise<License[]> {
  const { access, loaders, sources } = deps;
  if (filter.source) sources.require(filter.source, ["source"]);
  if (!access.seesCustomer(customerId)) return [];
  const accounts: SourceKey[] = [
    ...(await loaders.accountsOfCustomer.load(customerId)).map((a) => ({ source: a.source, id: a.externalId })),
    { source: LOCAL_SOURCE_ID, id: customerId },
  ].filter((a) => (!filter.source || a.source === filter.source) && sources.find(a.source)?.licensesOfAccounts);
  const lists = await settle(
    accounts.map((a) => loaders.accountLicenses.load(a)),
    report,
  );
  return dedupe(lists.flat()).filter((l) => !filter.status || l.status === filter.status);
}

/** The licenses linked to a controller at every source, each marked as read through it (`viaNodeId`). */
export async function ofController(deps: ReadDeps, nodeId: string, report: ReportPartial, filter: LicenseFilter = {}): Promise<License[]> {
  if (filter.source) deps.sources.require(filter.source, ["source"]);
  // Sources that hold no licenses at all (a directory such as eSmart) are not asked.
  const sources = deps.sources
    .all()
    .filter((s) => (!filter.source || s.id === filter.source) && (s.licensesOfControllers || s.licensesOfAccounts));
  const lists = await settle(
    sources.map((s) =>
      s.licensesOfControllers ? deps.loaders.controllerLicenses.load({ source: s.id, id: nodeId }) : knownForNode(deps, s, nodeId, report),
    ),
    report,
  );
  const licenses = dedupe(lists.flat())
    .filter((l) => !filter.status || l.status === filter.status)
    .map((l) => ({ ...l, viaNodeId: nodeId }));
  // A controller can run licenses of several customers: each is shown only to whoever may see its customer.
  return deps.access.filterLicenses(licenses);
}

/**
 * A controller's licenses at a source that cannot list them by controller: the claims the gateway recorded
 * for it there, and the licenses of the controller's owner whose links name it.
 */
async function knownForNode(deps: ReadDeps, source: LicenseSource, nodeId: string, report: ReportPartial): Promise<License[]> {
  const { loaders } = deps;
  const claims = (await loaders.claimsOfNode.load(nodeId)).filter((c) => c.source === source.id);
  const claimed = await settle(
    claims.map(async (claim) => {
      if (claim.licenseAccount !== null) {
        const list = await loaders.accountLicenses.load({ source: source.id, id: claim.licenseAccount });
        return list.find((l) => l.externalId === claim.licenseExternalId) ?? null;
      }
      return source.findLicense ? loaders.licenseByKey.load({ source: source.id, id: claim.licenseKey }) : null;
    }),
    report,
  );
  const owner = (await loaders.registeredControllers.load(nodeId))?.customerId;
  const accounts = owner ? (await loaders.accountsOfCustomer.load(owner)).filter((a) => a.source === source.id) : [];
  const owned = await settle(
    accounts.map((a) => loaders.accountLicenses.load({ source: source.id, id: a.externalId })),
    report,
  );
  const linked = owned.flat().filter((l) => l.datalinks?.some((d) => d.nodeId === nodeId));
  return [...claimed.filter((l) => l !== null), ...linked];
}

/** One entry per (source, externalId): two accounts at one vendor may list the same license. */
function dedupe(licenses: License[]): License[] {
  const seen = new Set<string>();
  return licenses.filter((l) => {
    const key = `${l.source}\u0000${l.externalId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

import { licenseTags, tag } from "../../domain/data-tags.js";
import { badInput } from "../../errors/gateway-error.js";
import type { LicenseMatch } from "../../sources/source.js";
import { parseLicenseId, type License } from "../../domain/model.js";
import { settle, type ReadDeps, type ReportPartial } from "./read-deps.js";

/** `License.id` → the license, or null when it is missing or not the principal's to see. */
export async function byId(deps: ReadDeps, id: string, report: ReportPartial): Promise<License | null> {
  const ref = parseLicenseId(id);
  if (!ref) throw badInput(["id"], `"${id}" is not a license id (expected "<source>:<externalId>")`);
  if (!deps.sources.find(ref.source)) return null;
  return visible(deps, await findLicense(deps, ref.source, { externalId: ref.externalId }, report));
}

/** A license by its key at one source; an unknown source is the client's mistake, reported on `source`. */
export async function byKey(deps: ReadDeps, sourceId: string, key: string, report: ReportPartial): Promise<License | null> {
  return visible(deps, await findLicense(deps, sourceId, { key }, report));
}

async function visible(deps: ReadDeps, license: License | null): Promise<License | null> {
  return license !== null && (await deps.access.seesLicense(license)) ? license : null;
}

type Matches = (license: License) => boolean;

/**
 * A vendor with a lookup by id or key is asked directly. Eniris and Customerarea have none: the license is
 * looked for in the lists the gateway can read there (an account's, a controller's), cheapest first, each of
 * the three fallbacks below only when the one before found nothing.
 */
async function findLicense(deps: ReadDeps, sourceId: string, match: LicenseMatch, report: ReportPartial): Promise<License | null> {
  const source = deps.sources.require(sourceId, ["source"]);
  // The vendor's own lookup (Cryptolens key/GetKey): one call, and no fallback when it finds none.
  if (source.findLicense) return recordLookup(deps, source.id, match, await source.findLicense(match));
  const matches: Matches = (l) => ("key" in match ? l.key === match.key : l.externalId === match.externalId);
  return (
    (await inHintedAccount(deps, sourceId, match, matches, report)) ??
    (await inMappedAccounts(deps, sourceId, matches, report)) ??
    (await atClaimedControllers(deps, sourceId, matches, report))
  );
}

/** The response cache learns what a direct lookup read: the match it asked for, and the license when found. */
function recordLookup(deps: ReadDeps, sourceId: string, match: LicenseMatch, found: License | null): License | null {
  const matchTag = "key" in match ? tag.licenseKey(sourceId, match.key) : tag.license(sourceId, match.externalId);
  deps.tracker?.read([matchTag, ...(found ? licenseTags(found) : [])]);
  return found;
}

/**
 * Fallback 1: the account that listed the license before, when the gateway saw it (LicenseLocator): one read
 * instead of one per account. Only for a lookup by id, and only an account of a customer the principal sees.
 */
async function inHintedAccount(
  deps: ReadDeps,
  sourceId: string,
  match: LicenseMatch,
  matches: Matches,
  report: ReportPartial,
): Promise<License | null> {
  const hinted = "externalId" in match ? deps.locator?.accountOf(sourceId, match.externalId) : undefined;
  if (hinted === undefined) return null;
  const owner = await deps.loaders.customerOfAccount.load({ source: sourceId, id: hinted });
  if (!owner || !deps.access.seesCustomer(owner.customerId)) return null;
  const lists = await settle([deps.loaders.accountLicenses.load({ source: sourceId, id: hinted })], report);
  return lists.flat().find(matches) ?? null;
}

/**
 * Fallback 2: every account the gateway maps to the source. Someone who sees only some customers searches only
 * their accounts: a license found elsewhere would not be theirs to see anyway.
 */
async function inMappedAccounts(deps: ReadDeps, sourceId: string, matches: Matches, report: ReportPartial): Promise<License | null> {
  deps.tracker?.read([tag.accountsAt(sourceId)]);
  const accounts = (await deps.store.customers.accountsAtSource(sourceId)).filter((a) => deps.access.seesCustomer(a.customerId));
  const lists = await settle(
    accounts.map((a) => deps.loaders.accountLicenses.load({ source: sourceId, id: a.externalId })),
    report,
  );
  return lists.flat().find(matches) ?? null;
}

/**
 * Fallback 3, for an admin only: the controllers the gateway claimed for at the source, for a license no mapped
 * account lists. Found this way it has no customer, which only an admin may see.
 */
async function atClaimedControllers(deps: ReadDeps, sourceId: string, matches: Matches, report: ReportPartial): Promise<License | null> {
  if (!deps.access.isAdmin) return null;
  deps.tracker?.read([tag.claimsAt(sourceId)]);
  const nodes = [...new Set((await deps.store.claims.ofSource(sourceId)).map((c) => c.nodeId))];
  const lists = await settle(
    nodes.map((n) => deps.loaders.controllerLicenses.load({ source: sourceId, id: n })),
    report,
  );
  return lists.flat().find(matches) ?? null;
}

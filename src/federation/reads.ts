import type { Access } from "../auth/policy.js";
import type { LicenseLocator } from "../cache/license-locator.js";
import type { ReadTracker } from "../cache/read-tracker.js";
import { licenseTags, tag } from "../domain/data-tags.js";
import { badInput } from "../errors/gateway-error.js";
import { claimToDatalink } from "../sources/local/mapper.js";
import type { Store } from "../store/store.js";
import type { AccountRow, CustomerListRequest, CustomerPage, CustomerRow } from "../store/customers.js";
import type { ClaimRow } from "../store/claims.js";
import type { ControllerHardware, CustomerProfile, LicenseMatch, LicenseOffer, LicenseSource, OfferFilter } from "../sources/source.js";
import type { Loaders, SourceKey } from "./loaders.js";
import { datalinkId, LOCAL_SOURCE_ID, parseLicenseId, type Datalink, type License, type LicenseStatus } from "../domain/model.js";
import type { SourceRegistry } from "./registry.js";
import { checkText } from "./validate.js";

/** A catalogue filter's words (a version, an offer code, a language, a currency): far longer than any vendor's. */
const MAX_FILTER_LENGTH = 100;

/** A controller as the gateway shows it: what the local registry says, completed by the vendors on demand. */
export interface ControllerView {
  nodeId: string;
  name: string | null;
  serialNumber: string | null;
  customerId: string | null;
}

/** Narrows a license list; both filters are optional. */
export interface LicenseFilter {
  source?: string | null;
  status?: LicenseStatus | null;
}

/** Records an error for the response while the field still returns what the other sources gave. */
export type ReportPartial = (error: Error) => void;

/**
 * The read side of federation: answers merged across sources through the request's loaders. A failing source
 * is reported and skipped, so it costs only its own share of the answer.
 *
 * Every answer is what the request's principal may see (`access`, see src/auth/policy.ts): an object it may
 * not see is null, as if missing, and left out of lists. Each public method checks its own argument, so a
 * nested field reached through anything (a license's datalink's controller) is checked again where it is read.
 */
export class FederatedReads {
  constructor(
    private readonly loaders: Loaders,
    private readonly sources: SourceRegistry,
    private readonly store: Store,
    private readonly access: Access,
    /** Records what the operation read, for the response cache; loaders record their own reads. */
    private readonly tracker?: ReadTracker,
    /** Which account listed a license, for sources without a lookup by id (see LicenseLocator). */
    private readonly locator?: LicenseLocator,
  ) {}

  async customer(id: string): Promise<CustomerRow | null> {
    return this.access.seesCustomer(id) ? this.loaders.customers.load(id) : null;
  }

  /** A page of the customers the principal may see; each row is also put in the request's customer loader. */
  async customerPage(request: Omit<CustomerListRequest, "only">): Promise<CustomerPage> {
    const scope = this.access.customerScope;
    const page = await this.store.customers.list({ ...request, ...(scope !== undefined ? { only: scope } : {}) });
    for (const row of page.rows) this.loaders.customers.prime(row.id, row);
    this.tracker?.read([tag.customerList, ...page.rows.map((r) => tag.customer(r.id))]);
    return page;
  }

  /** How many customers the principal may see, all pages together. */
  async customerCount(): Promise<number> {
    this.tracker?.read([tag.customerList]);
    return this.store.customers.count(this.access.customerScope);
  }

  async customerAccounts(customerId: string): Promise<AccountRow[]> {
    return this.access.seesCustomer(customerId) ? this.loaders.accountsOfCustomer.load(customerId) : [];
  }

  /** Everything listed under a customer's accounts is that customer's, so a visible customer's list is not filtered. */
  async customerLicenses(customerId: string, filter: LicenseFilter, report: ReportPartial): Promise<License[]> {
    if (filter.source) this.sources.require(filter.source, ["source"]);
    if (!this.access.seesCustomer(customerId)) return [];
    const accounts: SourceKey[] = [
      ...(await this.loaders.accountsOfCustomer.load(customerId)).map((a) => ({ source: a.source, id: a.externalId })),
      { source: LOCAL_SOURCE_ID, id: customerId },
    ].filter((a) => (!filter.source || a.source === filter.source) && this.sources.find(a.source)?.licensesOfAccounts);
    const lists = await this.settle(accounts.map((a) => this.loaders.accountLicenses.load(a)), report);
    return dedupe(lists.flat()).filter((l) => !filter.status || l.status === filter.status);
  }

  async controllerLicenses(nodeId: string, report: ReportPartial, filter: LicenseFilter = {}): Promise<License[]> {
    if (filter.source) this.sources.require(filter.source, ["source"]);
    // Sources that hold no licenses at all (a directory such as eSmart) are not asked.
    const sources = this.sources.all().filter((s) => (!filter.source || s.id === filter.source) && (s.licensesOfControllers || s.licensesOfAccounts));
    const lists = await this.settle(
      sources.map((s) =>
        s.licensesOfControllers ? this.loaders.controllerLicenses.load({ source: s.id, id: nodeId }) : this.licensesKnownForNode(s, nodeId, report),
      ),
      report,
    );
    const licenses = dedupe(lists.flat())
      .filter((l) => !filter.status || l.status === filter.status)
      .map((l) => ({ ...l, viaNodeId: nodeId }));
    // A controller can run licenses of several customers: each is shown only to whoever may see its customer.
    return this.access.filterLicenses(licenses);
  }

  /**
   * A controller's licenses at a source that cannot list them by controller: the claims the gateway recorded
   * for it there, and the licenses of the controller's owner whose links name it.
   */
  private async licensesKnownForNode(source: LicenseSource, nodeId: string, report: ReportPartial): Promise<License[]> {
    const claims = (await this.loaders.claimsOfNode.load(nodeId)).filter((c) => c.source === source.id);
    const claimed = await this.settle(
      claims.map(async (claim) => {
        if (claim.licenseAccount !== null) {
          const list = await this.loaders.accountLicenses.load({ source: source.id, id: claim.licenseAccount });
          return list.find((l) => l.externalId === claim.licenseExternalId) ?? null;
        }
        return source.findLicense ? this.loaders.licenseByKey.load({ source: source.id, id: claim.licenseKey }) : null;
      }),
      report,
    );
    const owner = (await this.loaders.registeredControllers.load(nodeId))?.customerId;
    const accounts = owner ? (await this.loaders.accountsOfCustomer.load(owner)).filter((a) => a.source === source.id) : [];
    const owned = await this.settle(accounts.map((a) => this.loaders.accountLicenses.load({ source: source.id, id: a.externalId })), report);
    const linked = owned.flat().filter((l) => l.datalinks?.some((d) => d.nodeId === nodeId));
    return [...claimed.filter((l) => l !== null), ...linked];
  }

  /** The customer's profile from the first directory source (eSmart) where it has an account. */
  async customerProfile(customerId: string, report: ReportPartial): Promise<CustomerProfile | null> {
    if (!this.access.seesCustomer(customerId)) return null;
    const directories = new Set(this.sources.all().filter((s) => s.directory).map((s) => s.id));
    const accounts = (await this.loaders.accountsOfCustomer.load(customerId)).filter((a) => directories.has(a.source));
    const profiles = await this.settle(accounts.map((a) => this.loaders.profiles.load({ source: a.source, id: a.externalId })), report);
    return profiles.find((p) => p !== null) ?? null;
  }

  /** A controller's hardware from the first directory source that knows its serial number. */
  async controllerHardware(serialNumber: string | null, report: ReportPartial): Promise<ControllerHardware | null> {
    if (!serialNumber) return null;
    const keys = this.sources.all().filter((s) => s.directory).map((s) => ({ source: s.id, id: serialNumber }));
    const found = await this.settle(keys.map((k) => this.loaders.hardware.load(k)), report);
    return found.find((h) => h !== null) ?? null;
  }

  /** Offers from the catalogues of the sources where the customer has an account. */
  async customerOffers(customerId: string, filter: OfferFilter & { source?: string | null }, report: ReportPartial): Promise<LicenseOffer[]> {
    if (filter.source) this.sources.require(filter.source, ["source"]);
    // The filter's words go to the vendor as they are: the same rule as every other value a client names.
    for (const name of ["version", "code", "lang", "currency"] as const) {
      const value = filter[name];
      if (value !== undefined) checkText(value, [name], `a catalogue ${name}`, MAX_FILTER_LENGTH);
    }
    if (!this.access.seesCustomer(customerId)) return [];
    const accounts = (await this.loaders.accountsOfCustomer.load(customerId)).filter((a) => !filter.source || a.source === filter.source);
    const lists = await this.settle(
      accounts.flatMap((a) => {
        const catalogue = this.sources.find(a.source)?.catalogue;
        if (!catalogue) return [];
        this.tracker?.read([tag.account(a.source, a.externalId)]);
        return [catalogue.offers(a.externalId, filter)];
      }),
      report,
    );
    return lists.flat();
  }

  /**
   * A controller known to the local registry or to any vendor; null when nobody knows it, or when the principal
   * may not see its owner. Only a registered controller has an owner, so only an admin asks the vendors.
   */
  async controller(nodeId: string, report: ReportPartial): Promise<ControllerView | null> {
    const registered = await this.loaders.registeredControllers.load(nodeId);
    if (registered) {
      const view = { nodeId, name: registered.name, serialNumber: registered.serialNumber, customerId: registered.customerId };
      return this.access.seesController(view) ? view : null;
    }
    if (!this.access.seesController({ customerId: null })) return null;
    const found = (await this.vendorControllers(nodeId, report))[0];
    return found ? { nodeId, name: found.name, serialNumber: found.serialNumber, customerId: null } : null;
  }

  /** Vendor descriptions of a controller (one batched device query per source and request). */
  async vendorControllers(nodeId: string, report: ReportPartial) {
    const keys = this.sources.all().filter((s) => s.controllers && s.id !== LOCAL_SOURCE_ID).map((s) => ({ source: s.id, id: nodeId }));
    const found = await this.settle(keys.map((k) => this.loaders.sourceControllers.load(k)), report);
    return found.filter((c) => c !== null);
  }

  async controllersOfCustomer(customerId: string): Promise<ControllerView[]> {
    if (!this.access.seesCustomer(customerId)) return [];
    return (await this.loaders.controllersOfCustomer.load(customerId)).map((r) => ({
      nodeId: r.nodeId,
      name: r.name,
      serialNumber: r.serialNumber,
      customerId: r.customerId,
    }));
  }

  /** `License.id` → the license. Vendors without a lookup by id are searched through the accounts mapped to them. */
  async license(id: string, report: ReportPartial): Promise<License | null> {
    const ref = parseLicenseId(id);
    if (!ref) throw badInput(["id"], `"${id}" is not a license id (expected "<source>:<externalId>")`);
    if (!this.sources.find(ref.source)) return null;
    return this.visibleLicense(await this.findLicense(ref.source, { externalId: ref.externalId }, report));
  }

  async licenseByKey(sourceId: string, key: string, report: ReportPartial): Promise<License | null> {
    return this.visibleLicense(await this.findLicense(sourceId, { key }, report));
  }

  private async visibleLicense(license: License | null): Promise<License | null> {
    return license !== null && (await this.access.seesLicense(license)) ? license : null;
  }

  private async findLicense(sourceId: string, match: LicenseMatch, report: ReportPartial): Promise<License | null> {
    const source = this.sources.require(sourceId, ["source"]);
    if (source.findLicense) {
      const found = await source.findLicense(match);
      const matchTag = "key" in match ? tag.licenseKey(sourceId, match.key) : tag.license(sourceId, match.externalId);
      this.tracker?.read([matchTag, ...(found ? licenseTags(found) : [])]);
      return found;
    }
    const matches = (l: License) => ("key" in match ? l.key === match.key : l.externalId === match.externalId);
    // The account that listed it before, when the gateway saw it: one read instead of one per account.
    const hinted = "externalId" in match ? this.locator?.accountOf(sourceId, match.externalId) : undefined;
    if (hinted !== undefined) {
      const owner = await this.loaders.customerOfAccount.load({ source: sourceId, id: hinted });
      if (owner && this.access.seesCustomer(owner.customerId)) {
        const lists = await this.settle([this.loaders.accountLicenses.load({ source: sourceId, id: hinted })], report);
        const found = lists.flat().find(matches);
        if (found) return found;
      }
    }
    // No lookup at the vendor: search the accounts the gateway maps to it, then the controllers it claimed for.
    // Someone who sees only some customers searches only their accounts: a license found elsewhere, or only
    // through a controller (no customer), would not be theirs to see anyway.
    this.tracker?.read([tag.accountsAt(sourceId)]);
    const accounts = (await this.store.customers.accountsAtSource(sourceId)).filter((a) => this.access.seesCustomer(a.customerId));
    const fromAccounts = await this.settle(accounts.map((a) => this.loaders.accountLicenses.load({ source: sourceId, id: a.externalId })), report);
    const found = fromAccounts.flat().find(matches);
    if (found) return found;
    if (!this.access.isAdmin) return null;
    this.tracker?.read([tag.claimsAt(sourceId)]);
    const nodes = [...new Set((await this.store.claims.ofSource(sourceId)).map((c) => c.nodeId))];
    const viaNodes = await this.settle(nodes.map((n) => this.loaders.controllerLicenses.load({ source: sourceId, id: n })), report);
    return viaNodes.flat().find(matches) ?? null;
  }

  async licenseCustomer(license: License): Promise<CustomerRow | null> {
    if (license.customerId) return this.customer(license.customerId);
    if (!license.account) return null;
    const account = await this.loaders.customerOfAccount.load({ source: license.account.source, id: license.account.externalId });
    return account ? this.customer(account.customerId) : null;
  }

  /**
   * Forgets the claims this request read for a license: a mutation that just recorded one reads them again, so its
   * payload shows what a later request will.
   */
  forgetClaims(source: string, licenseExternalId: string): void {
    this.loaders.claimsOfLicense.clear({ source, id: licenseExternalId });
  }

  /** The license's links to controllers, each with its controller when the gateway can know it. */
  async licenseDatalinks(license: License, report: ReportPartial): Promise<Datalink[]> {
    const claims = await this.loaders.claimsOfLicense.load({ source: license.source, id: license.externalId });
    let links = license.datalinks;
    if (links === null && license.account) {
      const lists = await this.settle([this.loaders.accountLicenses.load({ source: license.source, id: license.account.externalId })], report);
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
    const resolved = await Promise.all(
      links.map((link) => (link.nodeId !== null ? withClaimTime(link, claims) : this.resolveNode(license, link, links!.length, claims, report))),
    );
    // Claims the gateway made that the vendor's list does not show (Cryptolens records no machine for a key
    // without a machine limit) are still links: the vendor accepted them.
    // A vendor link whose controller stayed unknown may be one of those claims, so then nothing is added.
    if (resolved.some((d) => d.nodeId === null)) return resolved;
    const shown = new Set(resolved.map((d) => d.nodeId));
    return [...resolved, ...claims.filter((c) => !shown.has(c.nodeId)).map(claimToDatalink)];
  }

  /**
   * Which controller a vendor link points at, when the vendor does not say: a claim the gateway recorded for it,
   * or the one controller registered for the license's customer whose license list holds it. Null otherwise.
   */
  private async resolveNode(license: License, link: Datalink, linkCount: number, rows: ClaimRow[], report: ReportPartial): Promise<Datalink> {
    const byVendorId = rows.find((c) => c.vendorDatalinkId === link.vendorId);
    if (byVendorId) return { ...link, nodeId: byVendorId.nodeId, createdAt: link.createdAt ?? byVendorId.createdAt };
    if (linkCount === 1 && rows.length === 1) return { ...link, nodeId: rows[0]!.nodeId, createdAt: link.createdAt ?? rows[0]!.createdAt };
    if (linkCount !== 1) return link;
    const customer = await this.licenseCustomer(license);
    if (!customer) return link;
    const controllers = await this.loaders.controllersOfCustomer.load(customer.id);
    const holders: string[] = [];
    const lists = await this.settle(
      controllers.map(async (c) => ({ nodeId: c.nodeId, licenses: await this.loaders.controllerLicenses.load({ source: license.source, id: c.nodeId }) })),
      report,
    );
    for (const { nodeId, licenses } of lists) if (licenses.some((l) => l.externalId === license.externalId)) holders.push(nodeId);
    return holders.length === 1 ? { ...link, nodeId: holders[0]! } : link;
  }

  /** Awaits all, reports each failure, and returns the successes. */
  private async settle<T>(pending: Promise<T>[], report: ReportPartial): Promise<T[]> {
    const results = await Promise.allSettled(pending);
    const values: T[] = [];
    for (const r of results) {
      if (r.status === "fulfilled") values.push(r.value);
      else report(r.reason instanceof Error ? r.reason : new Error(String(r.reason)));
    }
    return values;
  }
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

function derivedLink(license: License, nodeId: string): Datalink {
  return { id: datalinkId(license.source, null, license.externalId, nodeId), source: license.source, licenseExternalId: license.externalId, vendorId: null, nodeId, createdAt: null };
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

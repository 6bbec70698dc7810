import type { Access } from "../auth/policy.js";
import type { LicenseLocator } from "../cache/license-locator.js";
import type { ReadTracker } from "../cache/read-tracker.js";
import type { ControllerInfo, Datalink, License } from "../domain/model.js";
import type { ControllerHardware, CustomerProfile, LicenseOffer, OfferFilter } from "../sources/source.js";
import type { AccountRow, CustomerListRequest, CustomerPage, CustomerRow } from "../store/customers.js";
import type { Store } from "../store/store.js";
import type { Loaders } from "./loaders.js";
import type { SourceRegistry } from "./registry.js";
import * as catalogue from "./reads/catalogue.js";
import * as controllers from "./reads/controllers.js";
import * as customers from "./reads/customers.js";
import * as datalinks from "./reads/datalinks.js";
import * as directory from "./reads/directory.js";
import * as findLicense from "./reads/find-license.js";
import * as licenseIndex from "./reads/license-index.js";
import * as licenseLists from "./reads/license-lists.js";
import type { ReadDeps, ReportPartial } from "./reads/read-deps.js";

export type { ControllerView } from "./reads/controllers.js";
export type { LicenseFilter } from "./reads/license-lists.js";
export type { CustomerHealthView, IndexFilter } from "./reads/license-index.js";
export type { ReportPartial } from "./reads/read-deps.js";

/**
 * The read side of federation: answers merged across sources through the request's loaders. A failing source
 * is reported and skipped, so it costs only its own share of the answer.
 *
 * Every answer is what the request's principal may see (`access`, see src/auth/policy.ts): an object it may
 * not see is null, as if missing, and left out of lists. Each public method checks its own argument, so a
 * nested field reached through anything (a license's datalink's controller) is checked again where it is read.
 *
 * The reads themselves are written per entity in src/federation/reads/; this class holds the request's
 * dependencies so that resolvers and mutations ask one object, made once per request (src/graphql/context.ts).
 */
export class FederatedReads {
  readonly #deps: ReadDeps;

  constructor(loaders: Loaders, sources: SourceRegistry, store: Store, access: Access, tracker?: ReadTracker, locator?: LicenseLocator) {
    this.#deps = { loaders, sources, store, access, tracker, locator };
  }

  customer(id: string): Promise<CustomerRow | null> {
    return customers.byId(this.#deps, id);
  }

  customerPage(request: Omit<CustomerListRequest, "only">): Promise<CustomerPage> {
    return customers.page(this.#deps, request);
  }

  customerCount(): Promise<number> {
    return customers.count(this.#deps);
  }

  customerAccounts(customerId: string): Promise<AccountRow[]> {
    return customers.accounts(this.#deps, customerId);
  }

  licenseCustomer(license: License): Promise<CustomerRow | null> {
    return customers.ofLicense(this.#deps, license);
  }

  customerLicenses(customerId: string, filter: licenseLists.LicenseFilter, report: ReportPartial): Promise<License[]> {
    return licenseLists.ofCustomer(this.#deps, customerId, filter, report);
  }

  controllerLicenses(nodeId: string, report: ReportPartial, filter: licenseLists.LicenseFilter = {}): Promise<License[]> {
    return licenseLists.ofController(this.#deps, nodeId, report, filter);
  }

  license(id: string, report: ReportPartial): Promise<License | null> {
    return findLicense.byId(this.#deps, id, report);
  }

  licenseByKey(sourceId: string, key: string, report: ReportPartial): Promise<License | null> {
    return findLicense.byKey(this.#deps, sourceId, key, report);
  }

  licenseDatalinks(license: License, report: ReportPartial): Promise<Datalink[]> {
    return datalinks.ofLicense(this.#deps, license, report);
  }

  forgetClaims(source: string, licenseExternalId: string): void {
    datalinks.forgetClaims(this.#deps, source, licenseExternalId);
  }

  controller(nodeId: string, report: ReportPartial): Promise<controllers.ControllerView | null> {
    return controllers.byNodeId(this.#deps, nodeId, report);
  }

  vendorControllers(nodeId: string, report: ReportPartial): Promise<ControllerInfo[]> {
    return controllers.atVendors(this.#deps, nodeId, report);
  }

  controllersOfCustomer(customerId: string): Promise<controllers.ControllerView[]> {
    return controllers.ofCustomer(this.#deps, customerId);
  }

  customerProfile(customerId: string, report: ReportPartial): Promise<CustomerProfile | null> {
    return directory.profile(this.#deps, customerId, report);
  }

  controllerHardware(serialNumber: string | null, report: ReportPartial): Promise<ControllerHardware | null> {
    return directory.hardware(this.#deps, serialNumber, report);
  }

  customerOffers(customerId: string, filter: OfferFilter & { source?: string | null }, report: ReportPartial): Promise<LicenseOffer[]> {
    return catalogue.offers(this.#deps, customerId, filter, report);
  }

  /** Licenses across customers, from the license index (issue 16). */
  indexedLicenses(filter: licenseIndex.IndexFilter, first: number, after: string | undefined) {
    return licenseIndex.indexedLicenses(this.#deps, filter, first, after);
  }

  /** A source's sync state (operational detail: Source.sync is for admins, restricted-fields.ts). */
  sourceSync(sourceId: string) {
    return this.#deps.store.syncState.get(sourceId);
  }

  customerHealth(customerId: string, horizonDays: number): Promise<licenseIndex.CustomerHealthView | null> {
    return licenseIndex.health(this.#deps, customerId, horizonDays);
  }
}

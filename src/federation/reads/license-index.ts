import type { LicenseStatus } from "../../domain/model.js";
import type { LicenseIndexPage } from "../../store/license-index.js";
import type { SyncStateRow } from "../../store/sync-state.js";
import { customerHealth, type HealthReport } from "../customer-health.js";
import type { ReadDeps } from "./read-deps.js";

/** `licenses(filter:)`: what the caller asks for; every field optional. */
export interface IndexFilter {
  customerId?: string | null | undefined;
  status?: readonly LicenseStatus[] | null | undefined;
  sources?: readonly string[] | null | undefined;
  expiresBefore?: Date | null | undefined;
  unclaimed?: boolean | null | undefined;
}

const EMPTY_PAGE: LicenseIndexPage = { rows: [], endCursor: null, hasNextPage: false };

/**
 * Licenses across customers from the license index (issue 16): no vendor call, whatever the number of customers,
 * one indexed range read a page. Within the caller's reach exactly as live reads: a partner pages through its
 * granted customers' licenses only, and a license no customer maps is for admins only. Asking for a customer out of
 * reach answers an empty page, as for one that does not exist.
 */
export function indexedLicenses(deps: ReadDeps, filter: IndexFilter, first: number, after: string | undefined): Promise<LicenseIndexPage> {
  const scope = deps.access.customerScope;
  let customerIds: readonly string[] | undefined = scope;
  if (filter.customerId != null) {
    if (!deps.access.seesCustomer(filter.customerId)) return Promise.resolve(EMPTY_PAGE);
    customerIds = [filter.customerId];
  }
  return deps.store.licenseIndex.page(
    {
      customerIds,
      status: filter.status ?? undefined,
      sources: filter.sources ?? undefined,
      expiresBefore: filter.expiresBefore ?? undefined,
      unclaimed: filter.unclaimed ?? undefined,
    },
    first,
    after,
  );
}

export interface CustomerHealthView extends HealthReport {
  /** The sync of each source the customer has an account at: how fresh what the report is built from is. */
  sources: Array<{ source: string; sync: SyncStateRow | null }>;
}

/** Customer.health: see customer-health.ts for the rules. Null for a customer out of reach, as for one that does not exist. */
export async function health(
  deps: ReadDeps,
  customerId: string,
  horizonDays: number,
  now = new Date(),
): Promise<CustomerHealthView | null> {
  if (!deps.access.seesCustomer(customerId)) return null;
  const { store } = deps;
  const [licenses, controllers, accounts, states] = await Promise.all([
    store.licenseIndex.ofCustomer(customerId),
    store.controllers.ofCustomers([customerId]),
    store.customers.accountsOf([customerId]),
    store.syncState.all(),
  ]);
  const report = customerHealth(
    licenses,
    controllers.map((c) => c.nodeId),
    now,
    horizonDays,
  );
  const sourceIds = [...new Set(accounts.map((a) => a.source))].sort();
  const bySource = new Map(states.map((s) => [s.source, s]));
  return { ...report, sources: sourceIds.map((source) => ({ source, sync: bySource.get(source) ?? null })) };
}

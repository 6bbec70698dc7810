import { tag } from "../../domain/data-tags.js";
import type { AccountRow, CustomerListRequest, CustomerPage, CustomerRow } from "../../store/customers.js";
import type { License } from "../../domain/model.js";
import type { ReadDeps } from "./read-deps.js";

/** Customers come from the gateway's own store; one the principal may not see reads as missing. */
export async function byId(deps: ReadDeps, id: string): Promise<CustomerRow | null> {
  return deps.access.seesCustomer(id) ? deps.loaders.customers.load(id) : null;
}

/** A page of the customers the principal may see; each row is also put in the request's customer loader. */
export async function page(deps: ReadDeps, request: Omit<CustomerListRequest, "only">): Promise<CustomerPage> {
  const scope = deps.access.customerScope;
  const found = await deps.store.customers.list({ ...request, ...(scope !== undefined ? { only: scope } : {}) });
  for (const row of found.rows) deps.loaders.customers.prime(row.id, row);
  deps.tracker?.read([tag.customerList, ...found.rows.map((r) => tag.customer(r.id))]);
  return found;
}

/** How many customers the principal may see, all pages together. */
export async function count(deps: ReadDeps): Promise<number> {
  deps.tracker?.read([tag.customerList]);
  return deps.store.customers.count(deps.access.customerScope);
}

/** The customer's accounts at the vendors (the federation map). */
export async function accounts(deps: ReadDeps, customerId: string): Promise<AccountRow[]> {
  return deps.access.seesCustomer(customerId) ? deps.loaders.accountsOfCustomer.load(customerId) : [];
}

/** The customer a license is issued to (local) or whose account lists it; null when the gateway cannot place it. */
export async function ofLicense(deps: ReadDeps, license: License): Promise<CustomerRow | null> {
  if (license.customerId) return byId(deps, license.customerId);
  if (!license.account) return null;
  const account = await deps.loaders.customerOfAccount.load({ source: license.account.source, id: license.account.externalId });
  return account ? byId(deps, account.customerId) : null;
}

import type { Datalink, License } from "../domain/model.js";
import type { BatchResult } from "../sources/source.js";
import type { ClaimRow } from "../store/claims.js";
import type { AccountRow } from "../store/customers.js";
import type { Store } from "../store/store.js";

/**
 * Which controller each vendor link id points at, once learnt: a link's controller never changes (a new claim is a
 * new link), so each is asked of the vendor once per process. Bounded by the number of links the sources hold.
 */
export class LinkNodes {
  private readonly known = new Map<string, string>();

  get(source: string, vendorId: string): string | undefined {
    return this.known.get(`${source}\u0000${vendorId}`);
  }

  set(source: string, vendorId: string, nodeId: string): void {
    this.known.set(`${source}\u0000${vendorId}`, nodeId);
  }
}

export interface AccountLicenses {
  account: AccountRow;
  licenses: License[];
}

/**
 * Fills in the controller of the links a vendor lists by id only (Eniris: `includeDatalinks=true` gives link ids, not
 * node ids), so the index's `nodeIds` (and CLAIMED/RELEASED, `Customer.health`) hold for claims made at the vendor
 * too. In order, cheapest first: what `memory` learnt before; the gateway's claim recorded with that link id (or the
 * license's one claim for its one link: to-indexed.ts); then, for the licenses still unresolved, the vendor's
 * license lists of the controllers registered to the account's customer (`readControllers`, one call per
 * controller, in one batch): a license with one unresolved link listed under exactly one controller is linked to it.
 * The federation's reads resolve links the same way (src/federation/reads/datalinks.ts).
 *
 * A controller list that fails fails its customer's accounts (returned in `failed`, their licenses unchanged): a link
 * left unresolved because a read failed would read as RELEASED.
 */
export async function resolveLinkNodes(
  store: Store,
  source: string,
  read: readonly AccountLicenses[],
  claims: readonly ClaimRow[],
  memory: LinkNodes,
  readControllers: ((nodeIds: readonly string[]) => Promise<BatchResult<License[]>>) | undefined,
): Promise<{ read: AccountLicenses[]; failed: Map<string, Error> }> {
  const failed = new Map<string, Error>();
  const known = (link: Datalink) => (link.nodeId === null && link.vendorId !== null ? memory.get(source, link.vendorId) : undefined);
  let resolved = read.map(({ account, licenses }) => ({ account, licenses: licenses.map((l) => withNodes(l, known)) }));
  const unresolved = (l: License) => unresolvedLinks(l, claims);
  const waiting = resolved.filter((r) => r.account.customerId !== null && r.licenses.some((l) => unresolved(l).length > 0));
  if (waiting.length === 0 || readControllers === undefined) return { read: resolved, failed };

  const customers = [...new Set(waiting.map((r) => r.account.customerId!))];
  const controllers = await store.controllers.ofCustomers(customers);
  if (controllers.length === 0) return { read: resolved, failed };
  const nodeIds = [...new Set(controllers.map((c) => c.nodeId))];
  const lists = await readControllers(nodeIds);
  /** Per customer: license externalId → the controllers whose list holds it. */
  const holders = new Map<string, Map<string, string[]>>();
  nodeIds.forEach((nodeId, i) => {
    const list = lists[i];
    for (const c of controllers.filter((c) => c.nodeId === nodeId && c.customerId !== null)) {
      if (list instanceof Error || list === undefined) {
        for (const r of waiting)
          if (r.account.customerId === c.customerId) failed.set(r.account.externalId, list ?? new Error("no answer"));
        continue;
      }
      const ofCustomer = holders.get(c.customerId!) ?? new Map<string, string[]>();
      holders.set(c.customerId!, ofCustomer);
      for (const license of list) ofCustomer.set(license.externalId, [...(ofCustomer.get(license.externalId) ?? []), nodeId]);
    }
  });
  resolved = resolved.map(({ account, licenses }) => {
    if (failed.has(account.externalId) || account.customerId === null) return { account, licenses };
    const ofCustomer = holders.get(account.customerId);
    return {
      account,
      licenses: licenses.map((license) => {
        const open = unresolved(license);
        const nodes = [...new Set(ofCustomer?.get(license.externalId) ?? [])];
        if (open.length !== 1 || nodes.length !== 1) return license;
        memory.set(source, open[0]!.vendorId!, nodes[0]!);
        return withNodes(license, (link) => (link === open[0] ? nodes[0] : undefined));
      }),
    };
  });
  return { read: resolved, failed };
}

/** The license with the links `nodeOf` knows given their controller. */
function withNodes(license: License, nodeOf: (link: Datalink) => string | undefined): License {
  if (license.datalinks === null || !license.datalinks.some((link) => nodeOf(link) !== undefined)) return license;
  return { ...license, datalinks: license.datalinks.map((link) => ({ ...link, nodeId: link.nodeId ?? nodeOf(link) ?? null })) };
}

/** Its links known by vendor id only, with no claim to tell their controller (to-indexed.ts's rules). */
function unresolvedLinks(license: License, allClaims: readonly ClaimRow[]): Datalink[] {
  const links = license.datalinks ?? [];
  const claims = allClaims.filter((c) => c.source === license.source && c.licenseExternalId === license.externalId);
  if (links.length === 1 && claims.length === 1) return [];
  return links.filter(
    (link) => link.nodeId === null && link.vendorId !== null && !claims.some((c) => c.vendorDatalinkId === link.vendorId),
  );
}

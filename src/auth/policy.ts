import { GatewayError } from "../errors/gateway-error.js";
import type { Loaders } from "../federation/loaders.js";
import type { License } from "../domain/model.js";
import type { Principal } from "./principal.js";

/** What the policy reads to place a license: the request's own loaders, so each lookup is made once per operation. */
export type PolicyLoaders = Pick<Loaders, "customerOfAccount" | "accountsOfCustomer" | "accountLicenses">;

/**
 * Who may see what: the one place the roles are interpreted. The read service and the mutation services ask it;
 * resolvers never do.
 *
 * - admin: everything.
 * - partner: the customers granted to it; customer: only itself. "Seeing" a customer means seeing it, its
 *   accounts, licenses, controllers, profile and catalogue.
 * - a controller is seen with its owner (the customer it is registered to); an unowned one only by an admin.
 * - a license is seen with its customer: the gateway customer it is issued to (local) or whose account lists it.
 *   A license the gateway cannot place (an unmapped vendor account) only by an admin.
 *
 * What may not be seen is absent, exactly as if it did not exist: null for one object, left out of a list,
 * NOT_FOUND in a mutation payload, with the same message as for a missing one. Only role-level refusals (an
 * admin-only operation) say FORBIDDEN, since they reveal nothing about any object.
 */
export class Access {
  private readonly visible: ReadonlySet<string>;

  constructor(
    readonly principal: Principal,
    private readonly loaders: PolicyLoaders,
  ) {
    this.visible = new Set(principal.customerIds);
  }

  get isAdmin(): boolean {
    return this.principal.role === "admin";
  }

  /** The customer ids it may see; undefined for all of them. */
  get customerScope(): readonly string[] | undefined {
    return this.isAdmin ? undefined : [...this.visible];
  }

  seesCustomer(customerId: string | null | undefined): boolean {
    if (this.isAdmin) return true;
    return customerId !== null && customerId !== undefined && this.visible.has(customerId);
  }

  seesController(controller: { customerId: string | null }): boolean {
    return this.seesCustomer(controller.customerId);
  }

  async seesLicense(license: License): Promise<boolean> {
    if (this.isAdmin) return true;
    if (license.customerId !== null) return this.seesCustomer(license.customerId);
    if (license.account !== null) {
      const owner = await this.loaders.customerOfAccount.load({ source: license.account.source, id: license.account.externalId });
      return this.seesCustomer(owner?.customerId);
    }
    return this.listedForVisibleCustomer(license);
  }

  /** The licenses of `list` it may see, in order. */
  async filterLicenses<T extends License>(list: T[]): Promise<T[]> {
    if (this.isAdmin) return list;
    const seen = await Promise.all(list.map((l) => this.seesLicense(l)));
    return list.filter((_, i) => seen[i]);
  }

  /** Refuses anyone but an admin, with FORBIDDEN: the refusal depends on the role alone, so it reveals nothing. */
  requireAdmin(what: string): void {
    if (!this.isAdmin) throw new GatewayError("FORBIDDEN", `only an admin may ${what}`);
  }

  /**
   * For anyone but an admin, `exists` must find the object among what it may see; otherwise `missing()` is
   * thrown, the same error a missing object gives. Admins skip the lookup (no extra vendor call).
   */
  async requireVisible(exists: () => Promise<boolean>, missing: () => Error): Promise<void> {
    if (this.isAdmin) return;
    if (!(await exists())) throw missing();
  }

  /**
   * A license read through a controller carries no account (Eniris lists a controller's licenses without their
   * customer): it is seen when one of the visible customers' accounts at its source lists it. Those lists are
   * the request's loaders, so this costs at most one read per visible account. A failing source hides the
   * license (fail closed); the failure shows wherever that source's data is asked for.
   */
  private async listedForVisibleCustomer(license: License): Promise<boolean> {
    const accounts = (await this.loaders.accountsOfCustomer.loadMany([...this.visible])).flatMap((a) => (a instanceof Error ? [] : a));
    const lists = await this.loaders.accountLicenses.loadMany(
      accounts.filter((a) => a.source === license.source).map((a) => ({ source: a.source, id: a.externalId })),
    );
    return lists.some((list) => !(list instanceof Error) && list.some((l) => l.externalId === license.externalId));
  }
}

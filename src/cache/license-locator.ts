import { TaggedLru } from "./tagged-lru.js";

/**
 * Which vendor account listed a license, learnt from every account list the gateway reads: for a vendor with no
 * lookup by license id (Eniris, Customerarea), `license(id)` then reads that one account instead of every account
 * mapped to the source. Only a hint: the account is read and the license looked for in it, the policy still
 * decides who sees it, and when the hint is wrong or missing the gateway searches as before.
 */
export class LicenseLocator {
  private readonly accounts: TaggedLru<string>;

  constructor(maxEntries = 100_000) {
    this.accounts = new TaggedLru({ maxEntries });
  }

  remember(source: string, externalId: string, accountId: string): void {
    // Never expires on its own: a hint that went wrong costs one extra read, not a wrong answer.
    this.accounts.set(`${source}\u0000${externalId}`, { value: accountId, tags: [], freshUntil: Infinity, staleUntil: Infinity, size: 1 });
  }

  accountOf(source: string, externalId: string): string | undefined {
    return this.accounts.get(`${source}\u0000${externalId}`)?.value;
  }
}

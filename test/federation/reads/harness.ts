import { Access } from "../../../src/auth/policy.js";
import type { Principal } from "../../../src/auth/principal.js";
import type { LicenseLocator } from "../../../src/cache/license-locator.js";
import { Invalidation } from "../../../src/cache/invalidation.js";
import { ReadTracker } from "../../../src/cache/read-tracker.js";
import { createLoaders } from "../../../src/federation/loaders.js";
import { FederatedReads } from "../../../src/federation/reads.js";
import { SourceRegistry } from "../../../src/federation/registry.js";
import type { LicenseSource } from "../../../src/sources/source.js";
import { openStore, type Store } from "../../../src/store/store.js";

export const ADMIN: Principal = { id: "apikey:test-admin", role: "admin", customerIds: [], via: "api-key" };

/** A partner granted `customerIds`: it sees those customers and nothing else. */
export function partnerOf(...customerIds: string[]): Principal {
  return { id: "apikey:test-partner", role: "partner", customerIds, via: "api-key" };
}

/** The embedded store (SQLite in memory) and the SQL of every query it ran, to count the reads that reach it. */
export interface StoreWithLog {
  store: Store;
  queries: string[];
}

export async function openMemoryStore(): Promise<StoreWithLog> {
  const queries: string[] = [];
  const store = await openStore("memory://", { onQuery: (sql) => void queries.push(sql) });
  queries.length = 0;
  return { store, queries };
}

export interface OneRequest {
  reads: FederatedReads;
  /** Every partial error the reads reported, in order. */
  errors: Error[];
  report: (error: Error) => void;
  tracker: ReadTracker;
}

/** What one request builds (src/graphql/context.ts): its own loaders, access and read service. */
export function oneRequest(store: Store, principal: Principal, sources: LicenseSource[], locator?: LicenseLocator): OneRequest {
  const registry = new SourceRegistry(sources);
  const tracker = new ReadTracker(new Invalidation());
  const loaders = createLoaders(store, registry, { tracker, locator });
  const errors: Error[] = [];
  const reads = new FederatedReads(loaders, registry, store, new Access(principal, loaders), tracker, locator);
  return { reads, errors, report: (error) => void errors.push(error), tracker };
}

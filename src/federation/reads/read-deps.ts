import type { Access } from "../../auth/policy.js";
import type { LicenseLocator } from "../../cache/license-locator.js";
import type { ReadTracker } from "../../cache/read-tracker.js";
import type { Store } from "../../store/store.js";
import type { Loaders } from "../loaders.js";
import type { SourceRegistry } from "../registry.js";

/** What every read needs, one per request: the parts in this folder are functions of it, so they hold no state. */
export interface ReadDeps {
  loaders: Loaders;
  sources: SourceRegistry;
  store: Store;
  /** What the request's principal may see (src/auth/policy.ts). */
  access: Access;
  /** Records what the operation read, for the response cache; loaders record their own reads. */
  tracker: ReadTracker | undefined;
  /** Which account listed a license, for sources without a lookup by id (see LicenseLocator). */
  locator: LicenseLocator | undefined;
}

/** Records an error for the response while the field still returns what the other sources gave. */
export type ReportPartial = (error: Error) => void;

/** Awaits all, reports each failure, and returns the successes: a failing source costs only its own share. */
export async function settle<T>(pending: Promise<T>[], report: ReportPartial): Promise<T[]> {
  const results = await Promise.allSettled(pending);
  const values: T[] = [];
  for (const r of results) {
    if (r.status === "fulfilled") values.push(r.value);
    else report(r.reason instanceof Error ? r.reason : new Error(String(r.reason)));
  }
  return values;
}

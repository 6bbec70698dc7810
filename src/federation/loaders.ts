import DataLoader from "dataloader";
import type { Store } from "../store/store.js";
import type { CustomerRow, AccountRow } from "../store/customers.js";
import type { ControllerRow } from "../store/controllers.js";
import type { ClaimRow } from "../store/claims.js";
import type { ControllerInfo, License } from "./model.js";
import type { SourceRegistry } from "./registry.js";
import type { BatchResult, ControllerHardware, CustomerProfile, LicenseSource } from "../sources/source.js";
import { GatewayError } from "../errors/gateway-error.js";

/** A key addressed to one source: an account id, a node id. */
export interface SourceKey {
  source: string;
  id: string;
}

const sourceKey = (k: SourceKey): string => `${k.source}\u0000${k.id}`;

/**
 * Per-request loaders: each (source, key) is fetched at most once per operation, and keys for the same source
 * are handed to it together so it can use its vendor's batch endpoint where there is one.
 */
export function createLoaders(store: Store, sources: SourceRegistry) {
  /** Groups keys by source, calls `fetch` once per source, and puts each answer back in its key's place. */
  function perSource<T>(fetch: (source: LicenseSource, ids: string[]) => Promise<BatchResult<T>> | undefined) {
    return async (keys: readonly SourceKey[]): Promise<Array<T | Error>> => {
      const out: Array<T | Error> = new Array(keys.length);
      const groups = new Map<string, number[]>();
      keys.forEach((k, i) => groups.set(k.source, [...(groups.get(k.source) ?? []), i]));
      await Promise.all(
        [...groups].map(async ([sourceId, indexes]) => {
          const source = sources.find(sourceId);
          const ids = indexes.map((i) => keys[i]!.id);
          let results: BatchResult<T>;
          try {
            const pending = source ? fetch(source, ids) : undefined;
            if (!pending) throw new GatewayError("UNSUPPORTED_BY_SOURCE", `source ${sourceId} cannot answer this`, { source: sourceId });
            results = await pending;
          } catch (error) {
            results = ids.map(() => (error instanceof Error ? error : new Error(String(error))));
          }
          // A source answering null for a key ("not known here") is a value; only a missing entry is a bug.
          indexes.forEach((keyIndex, j) => (out[keyIndex] = j < results.length ? results[j]! : new Error(`source ${sourceId} returned too few results`)));
        }),
      );
      return out;
    };
  }

  const byId = <R, K>(rows: R[], keyOf: (r: R) => K) => new Map(rows.map((r) => [keyOf(r), r]));
  const groupBy = <R, K>(rows: R[], keyOf: (r: R) => K) => {
    const map = new Map<K, R[]>();
    for (const r of rows) map.set(keyOf(r), [...(map.get(keyOf(r)) ?? []), r]);
    return map;
  };

  return {
    accountLicenses: new DataLoader<SourceKey, License[], string>(
      perSource((s, ids) => s.licensesOfAccounts?.(ids)),
      { cacheKeyFn: sourceKey },
    ),
    controllerLicenses: new DataLoader<SourceKey, License[], string>(
      perSource((s, ids) => s.licensesOfControllers?.(ids)),
      { cacheKeyFn: sourceKey },
    ),
    sourceControllers: new DataLoader<SourceKey, ControllerInfo | null, string>(
      perSource((s, ids) => s.controllers?.(ids)),
      { cacheKeyFn: sourceKey },
    ),
    /** One license by key, where the source can look one up (Cryptolens key/GetKey). */
    licenseByKey: new DataLoader<SourceKey, License | null, string>(
      perSource((s, keys) => {
        const find = s.findLicense?.bind(s);
        return find ? Promise.all(keys.map((key) => find({ key }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))))) : undefined;
      }),
      { cacheKeyFn: sourceKey },
    ),
    profiles: new DataLoader<SourceKey, CustomerProfile | null, string>(
      perSource((s, ids) => s.directory?.profiles(ids)),
      { cacheKeyFn: sourceKey },
    ),
    /** Keyed by (source, serial number). */
    hardware: new DataLoader<SourceKey, ControllerHardware | null, string>(
      perSource((s, serials) => s.directory?.hardware(serials)),
      { cacheKeyFn: sourceKey },
    ),
    customers: new DataLoader<string, CustomerRow | null>(async (ids) => {
      const found = byId(await store.customers.getMany([...ids]), (r) => r.id);
      return ids.map((id) => found.get(id) ?? null);
    }),
    accountsOfCustomer: new DataLoader<string, AccountRow[]>(async (ids) => {
      const groups = groupBy(await store.customers.accountsOf([...ids]), (r) => r.customerId);
      return ids.map((id) => groups.get(id) ?? []);
    }),
    customerOfAccount: new DataLoader<SourceKey, AccountRow | null, string>(
      async (keys) => {
        const rows = await store.customers.findByAccounts(keys.map((k) => ({ source: k.source, externalId: k.id })));
        const found = byId(rows, (r) => sourceKey({ source: r.source, id: r.externalId }));
        return keys.map((k) => found.get(sourceKey(k)) ?? null);
      },
      { cacheKeyFn: sourceKey },
    ),
    registeredControllers: new DataLoader<string, ControllerRow | null>(async (nodeIds) => {
      const found = byId(await store.controllers.getMany([...nodeIds]), (r) => r.nodeId);
      return nodeIds.map((id) => found.get(id) ?? null);
    }),
    controllersOfCustomer: new DataLoader<string, ControllerRow[]>(async (ids) => {
      const groups = groupBy(await store.controllers.ofCustomers([...ids]), (r) => r.customerId);
      return ids.map((id) => groups.get(id) ?? []);
    }),
    claimsOfLicense: new DataLoader<SourceKey, ClaimRow[], string>(
      async (keys) => {
        const bySource = groupBy([...keys], (k) => k.source);
        const rows = (
          await Promise.all([...bySource].map(([source, ks]) => store.claims.ofLicenses(source, ks.map((k) => k.id))))
        ).flat();
        const groups = groupBy(rows, (r) => sourceKey({ source: r.source, id: r.licenseExternalId }));
        return keys.map((k) => groups.get(sourceKey(k)) ?? []);
      },
      { cacheKeyFn: sourceKey },
    ),
    claimsOfNode: new DataLoader<string, ClaimRow[]>(async (nodeIds) => {
      const groups = groupBy(await store.claims.ofNodes([...nodeIds]), (r) => r.nodeId);
      return nodeIds.map((id) => groups.get(id) ?? []);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

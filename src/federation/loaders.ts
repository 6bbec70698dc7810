import DataLoader from "dataloader";
import type { Store } from "../store/store.js";
import type { CustomerRow, AccountRow } from "../store/customers.js";
import type { ControllerRow } from "../store/controllers.js";
import type { ClaimRow } from "../store/claims.js";
import type { ControllerInfo, License } from "./model.js";
import type { SourceRegistry } from "./registry.js";
import { asError, eachAlone, type BatchResult, type ControllerHardware, type CustomerProfile, type LicenseSource } from "../sources/source.js";
import { GatewayError } from "../errors/gateway-error.js";
import type { LicenseLocator } from "../cache/license-locator.js";
import type { ReadTracker } from "../cache/read-tracker.js";
import { licenseListTags, licenseTags, tag } from "../cache/tags.js";

/** A key addressed to one source: an account id, a node id. */
export interface SourceKey {
  source: string;
  id: string;
}

const sourceKey = (k: SourceKey): string => `${k.source}\u0000${k.id}`;

export interface LoaderOptions {
  /** Records the tags of everything loaded, for the response cache. */
  tracker?: ReadTracker | undefined;
  /** False only to measure what batching saves (`server.batching`): every load is its own call. Default true. */
  batching?: boolean;
  /** Learns from every account list which account holds which license (see LicenseLocator). */
  locator?: LicenseLocator | undefined;
}

/**
 * Per-request loaders: each (source, key) is fetched at most once per operation, and keys for the same source
 * are handed to it together so it can use its vendor's batch endpoint where there is one.
 */
export function createLoaders(store: Store, sources: SourceRegistry, options: LoaderOptions = {}) {
  const { tracker, locator } = options;
  const batching = options.batching ?? true;
  /** The DataLoader options of every loader: keyed by `cacheKeyFn` when given; no batching nor caching when off. */
  const loaderOptions = <K>(cacheKeyFn?: (key: K) => string) => ({
    ...(cacheKeyFn ? { cacheKeyFn } : {}),
    ...(batching ? {} : { batch: false, cache: false }),
  });

  /** Wraps a batch function so each answer's tags are recorded (errors record nothing: they are never reused). */
  function tracked<K, V>(load: (keys: readonly K[]) => Promise<Array<V | Error>>, tagsOf: (key: K, value: V) => string[]) {
    if (!tracker) return load;
    return async (keys: readonly K[]) => {
      const values = await load(keys);
      keys.forEach((key, i) => {
        const value = values[i];
        if (!(value instanceof Error)) tracker.read(tagsOf(key, value as V));
      });
      return values;
    };
  }
  /** Feeds the license locator from account lists. */
  function learnLocations(load: (keys: readonly SourceKey[]) => Promise<Array<License[] | Error>>) {
    if (!locator) return load;
    return async (keys: readonly SourceKey[]) => {
      const lists = await load(keys);
      keys.forEach((k, i) => {
        const list = lists[i];
        if (!(list instanceof Error)) for (const l of list ?? []) locator.remember(k.source, l.externalId, k.id);
      });
      return lists;
    };
  }
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
            results = ids.map(() => asError(error));
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
      tracked(learnLocations(perSource((s, ids) => s.licensesOfAccounts?.(ids))), (k, list) => [tag.account(k.source, k.id), ...licenseListTags(list)]),
      loaderOptions(sourceKey),
    ),
    controllerLicenses: new DataLoader<SourceKey, License[], string>(
      tracked(perSource((s, ids) => s.licensesOfControllers?.(ids)), (k, list) => [tag.node(k.source, k.id), ...licenseListTags(list)]),
      loaderOptions(sourceKey),
    ),
    sourceControllers: new DataLoader<SourceKey, ControllerInfo | null, string>(
      tracked(perSource((s, ids) => s.controllers?.(ids)), (k) => [tag.node(k.source, k.id)]),
      loaderOptions(sourceKey),
    ),
    /** One license by key, where the source can look one up (Cryptolens key/GetKey). */
    licenseByKey: new DataLoader<SourceKey, License | null, string>(
      tracked(
        perSource((s, keys) => {
          const find = s.findLicense?.bind(s);
          return find ? eachAlone((key) => find({ key }))(keys) : undefined;
        }),
        (k, license) => [tag.licenseKey(k.source, k.id), ...(license ? licenseTags(license) : [])]),
      loaderOptions(sourceKey),
    ),
    profiles: new DataLoader<SourceKey, CustomerProfile | null, string>(
      tracked(perSource((s, ids) => s.directory?.profiles(ids)), (k) => [tag.account(k.source, k.id)]),
      loaderOptions(sourceKey),
    ),
    /** Keyed by (source, serial number). */
    hardware: new DataLoader<SourceKey, ControllerHardware | null, string>(
      tracked(perSource((s, serials) => s.directory?.hardware(serials)), (k) => [tag.serial(k.source, k.id)]),
      loaderOptions(sourceKey),
    ),
    customers: new DataLoader<string, CustomerRow | null>(
      tracked(async (ids: readonly string[]) => {
        const found = byId(await store.customers.getMany([...ids]), (r) => r.id);
        return ids.map((id) => found.get(id) ?? null);
      }, (id) => [tag.customer(id)]),
      loaderOptions(),
    ),
    accountsOfCustomer: new DataLoader<string, AccountRow[]>(
      tracked(async (ids: readonly string[]) => {
        const groups = groupBy(await store.customers.accountsOf([...ids]), (r) => r.customerId);
        return ids.map((id) => groups.get(id) ?? []);
      }, (id) => [tag.customer(id)]),
      loaderOptions(),
    ),
    customerOfAccount: new DataLoader<SourceKey, AccountRow | null, string>(
      tracked(async (keys: readonly SourceKey[]) => {
        const rows = await store.customers.findByAccounts(keys.map((k) => ({ source: k.source, externalId: k.id })));
        const found = byId(rows, (r) => sourceKey({ source: r.source, id: r.externalId }));
        return keys.map((k) => found.get(sourceKey(k)) ?? null);
      }, (k) => [tag.account(k.source, k.id)]),
      loaderOptions(sourceKey),
    ),
    registeredControllers: new DataLoader<string, ControllerRow | null>(
      tracked(async (nodeIds: readonly string[]) => {
        const found = byId(await store.controllers.getMany([...nodeIds]), (r) => r.nodeId);
        return nodeIds.map((id) => found.get(id) ?? null);
      }, (nodeId) => [tag.controller(nodeId)]),
      loaderOptions(),
    ),
    controllersOfCustomer: new DataLoader<string, ControllerRow[]>(
      tracked(async (ids: readonly string[]) => {
        const groups = groupBy(await store.controllers.ofCustomers([...ids]), (r) => r.customerId);
        return ids.map((id) => groups.get(id) ?? []);
      }, (id, rows) => [tag.customer(id), ...rows.map((r) => tag.controller(r.nodeId))]),
      loaderOptions(),
    ),
    claimsOfLicense: new DataLoader<SourceKey, ClaimRow[], string>(
      tracked(async (keys: readonly SourceKey[]) => {
        const rows = await store.claims.ofLicensesAt(keys.map((k) => ({ source: k.source, externalId: k.id })));
        const groups = groupBy(rows, (r) => sourceKey({ source: r.source, id: r.licenseExternalId }));
        return keys.map((k) => groups.get(sourceKey(k)) ?? []);
      }, (k) => [tag.license(k.source, k.id)]),
      loaderOptions(sourceKey),
    ),
    claimsOfNode: new DataLoader<string, ClaimRow[]>(
      tracked(async (nodeIds: readonly string[]) => {
        const groups = groupBy(await store.claims.ofNodes([...nodeIds]), (r) => r.nodeId);
        return nodeIds.map((id) => groups.get(id) ?? []);
      }, (nodeId, rows) => [tag.claimsOfNode(nodeId), ...rows.map((r) => tag.license(r.source, r.licenseExternalId))]),
      loaderOptions(),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

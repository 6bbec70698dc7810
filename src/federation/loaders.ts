import DataLoader from "dataloader";
import type { Store } from "../store/store.js";
import type { CustomerRow, AccountRow } from "../store/customers.js";
import type { ControllerRow } from "../store/controllers.js";
import type { ClaimRow } from "../store/claims.js";
import type { ControllerInfo, License } from "../domain/model.js";
import type { SourceRegistry } from "./registry.js";
import {
  asError,
  eachAlone,
  type BatchResult,
  type ControllerHardware,
  type CustomerProfile,
  type LicenseSource,
} from "../sources/source.js";
import { GatewayError } from "../errors/gateway-error.js";
import type { LicenseLocator } from "../cache/license-locator.js";
import type { ReadTracker } from "../cache/read-tracker.js";
import { licenseListTags, licenseTags, tag } from "../domain/data-tags.js";

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

type BatchLoad<K, V> = (keys: readonly K[]) => Promise<Array<V | Error>>;

/**
 * Per-request loaders: each (source, key) is fetched at most once per operation, and keys for the same source
 * are handed to it together so it can use its vendor's batch endpoint where there is one.
 *
 * Each loader is made when first read: an operation uses a few of the thirteen (one customer's licenses at one
 * vendor uses three), and making all of them for every request was ~20 µs of the ~100 µs the execution layer
 * spends on such an operation when its answers are at hand (`graphql primed` in bench/hot-path.ts). Getters on the
 * prototype, not closures made per request: a request then allocates only the loaders it reads.
 */
export class Loaders {
  readonly #store: Store;
  readonly #sources: SourceRegistry;
  readonly #tracker: ReadTracker | undefined;
  readonly #locator: LicenseLocator | undefined;
  readonly #batching: boolean;
  #accountLicenses?: DataLoader<SourceKey, License[], string>;
  #controllerLicenses?: DataLoader<SourceKey, License[], string>;
  #sourceControllers?: DataLoader<SourceKey, ControllerInfo | null, string>;
  #licenseByKey?: DataLoader<SourceKey, License | null, string>;
  #profiles?: DataLoader<SourceKey, CustomerProfile | null, string>;
  #hardware?: DataLoader<SourceKey, ControllerHardware | null, string>;
  #customers?: DataLoader<string, CustomerRow | null>;
  #accountsOfCustomer?: DataLoader<string, AccountRow[]>;
  #customerOfAccount?: DataLoader<SourceKey, AccountRow | null, string>;
  #registeredControllers?: DataLoader<string, ControllerRow | null>;
  #controllersOfCustomer?: DataLoader<string, ControllerRow[]>;
  #claimsOfLicense?: DataLoader<SourceKey, ClaimRow[], string>;
  #claimsOfNode?: DataLoader<string, ClaimRow[]>;

  constructor(store: Store, sources: SourceRegistry, options: LoaderOptions = {}) {
    this.#store = store;
    this.#sources = sources;
    this.#tracker = options.tracker;
    this.#locator = options.locator;
    this.#batching = options.batching ?? true;
  }

  get accountLicenses(): DataLoader<SourceKey, License[], string> {
    return (this.#accountLicenses ??= this.#bySourceKey(
      this.#tracked(this.#learnLocations(this.#perSource((s, ids) => s.licensesOfAccounts?.(ids))), (k, list) => [
        tag.account(k.source, k.id),
        ...licenseListTags(list),
      ]),
    ));
  }

  get controllerLicenses(): DataLoader<SourceKey, License[], string> {
    return (this.#controllerLicenses ??= this.#bySourceKey(
      this.#tracked(
        this.#perSource((s, ids) => s.licensesOfControllers?.(ids)),
        (k, list) => [tag.node(k.source, k.id), ...licenseListTags(list)],
      ),
    ));
  }

  get sourceControllers(): DataLoader<SourceKey, ControllerInfo | null, string> {
    return (this.#sourceControllers ??= this.#bySourceKey(
      this.#tracked(
        this.#perSource((s, ids) => s.controllers?.(ids)),
        (k) => [tag.node(k.source, k.id)],
      ),
    ));
  }

  /** One license by key, where the source can look one up (Cryptolens key/GetKey). */
  get licenseByKey(): DataLoader<SourceKey, License | null, string> {
    return (this.#licenseByKey ??= this.#bySourceKey(
      this.#tracked(
        this.#perSource((s, keys) => {
          const find = s.findLicense?.bind(s);
          return find ? eachAlone((key) => find({ key }))(keys) : undefined;
        }),
        (k, license) => [tag.licenseKey(k.source, k.id), ...(license ? licenseTags(license) : [])],
      ),
    ));
  }

  get profiles(): DataLoader<SourceKey, CustomerProfile | null, string> {
    return (this.#profiles ??= this.#bySourceKey(
      this.#tracked(
        this.#perSource((s, ids) => s.directory?.profiles(ids)),
        (k) => [tag.account(k.source, k.id)],
      ),
    ));
  }

  /** Keyed by (source, serial number). */
  get hardware(): DataLoader<SourceKey, ControllerHardware | null, string> {
    return (this.#hardware ??= this.#bySourceKey(
      this.#tracked(
        this.#perSource((s, serials) => s.directory?.hardware(serials)),
        (k) => [tag.serial(k.source, k.id)],
      ),
    ));
  }

  get customers(): DataLoader<string, CustomerRow | null> {
    return (this.#customers ??= this.#byString(
      this.#tracked(
        async (ids: readonly string[]) => {
          const found = byId(await this.#store.customers.getMany([...ids]), (r) => r.id);
          return ids.map((id) => found.get(id) ?? null);
        },
        (id) => [tag.customer(id)],
      ),
    ));
  }

  get accountsOfCustomer(): DataLoader<string, AccountRow[]> {
    return (this.#accountsOfCustomer ??= this.#byString(
      this.#tracked(
        async (ids: readonly string[]) => {
          const groups = groupBy(await this.#store.customers.accountsOf([...ids]), (r) => r.customerId);
          return ids.map((id) => groups.get(id) ?? []);
        },
        (id) => [tag.customer(id)],
      ),
    ));
  }

  get customerOfAccount(): DataLoader<SourceKey, AccountRow | null, string> {
    return (this.#customerOfAccount ??= this.#bySourceKey(
      this.#tracked(
        async (keys: readonly SourceKey[]) => {
          const rows = await this.#store.customers.findByAccounts(keys.map((k) => ({ source: k.source, externalId: k.id })));
          const found = byId(rows, (r) => sourceKey({ source: r.source, id: r.externalId }));
          return keys.map((k) => found.get(sourceKey(k)) ?? null);
        },
        (k) => [tag.account(k.source, k.id)],
      ),
    ));
  }

  get registeredControllers(): DataLoader<string, ControllerRow | null> {
    return (this.#registeredControllers ??= this.#byString(
      this.#tracked(
        async (nodeIds: readonly string[]) => {
          const found = byId(await this.#store.controllers.getMany([...nodeIds]), (r) => r.nodeId);
          return nodeIds.map((id) => found.get(id) ?? null);
        },
        (nodeId) => [tag.controller(nodeId)],
      ),
    ));
  }

  get controllersOfCustomer(): DataLoader<string, ControllerRow[]> {
    return (this.#controllersOfCustomer ??= this.#byString(
      this.#tracked(
        async (ids: readonly string[]) => {
          const groups = groupBy(await this.#store.controllers.ofCustomers([...ids]), (r) => r.customerId);
          return ids.map((id) => groups.get(id) ?? []);
        },
        (id, rows) => [tag.customer(id), ...rows.map((r) => tag.controller(r.nodeId))],
      ),
    ));
  }

  get claimsOfLicense(): DataLoader<SourceKey, ClaimRow[], string> {
    return (this.#claimsOfLicense ??= this.#bySourceKey(
      this.#tracked(
        async (keys: readonly SourceKey[]) => {
          const rows = await this.#store.claims.ofLicensesAt(keys.map((k) => ({ source: k.source, externalId: k.id })));
          const groups = groupBy(rows, (r) => sourceKey({ source: r.source, id: r.licenseExternalId }));
          return keys.map((k) => groups.get(sourceKey(k)) ?? []);
        },
        (k) => [tag.license(k.source, k.id)],
      ),
    ));
  }

  get claimsOfNode(): DataLoader<string, ClaimRow[]> {
    return (this.#claimsOfNode ??= this.#byString(
      this.#tracked(
        async (nodeIds: readonly string[]) => {
          const groups = groupBy(await this.#store.claims.ofNodes([...nodeIds]), (r) => r.nodeId);
          return nodeIds.map((id) => groups.get(id) ?? []);
        },
        (nodeId, rows) => [tag.claimsOfNode(nodeId), ...rows.map((r) => tag.license(r.source, r.licenseExternalId))],
      ),
    ));
  }

  /** A loader keyed by (source, id); no batching nor caching when batching is off. */
  #bySourceKey<V>(load: BatchLoad<SourceKey, V>): DataLoader<SourceKey, V, string> {
    return new DataLoader<SourceKey, V, string>(
      load,
      this.#batching ? { cacheKeyFn: sourceKey } : { cacheKeyFn: sourceKey, batch: false, cache: false },
    );
  }

  /** A loader keyed by a plain string; no batching nor caching when batching is off. */
  #byString<V>(load: BatchLoad<string, V>): DataLoader<string, V> {
    return new DataLoader<string, V>(load, this.#batching ? {} : { batch: false, cache: false });
  }

  /** Wraps a batch function so each answer's tags are recorded (errors record nothing: they are never reused). */
  #tracked<K, V>(load: BatchLoad<K, V>, tagsOf: (key: K, value: V) => string[]): BatchLoad<K, V> {
    const tracker = this.#tracker;
    if (!tracker) return load;
    return async (keys) => {
      const values = await load(keys);
      keys.forEach((key, i) => {
        const value = values[i];
        if (!(value instanceof Error)) tracker.read(tagsOf(key, value as V));
      });
      return values;
    };
  }

  /** Feeds the license locator from account lists. */
  #learnLocations(load: BatchLoad<SourceKey, License[]>): BatchLoad<SourceKey, License[]> {
    const locator = this.#locator;
    if (!locator) return load;
    return async (keys) => {
      const lists = await load(keys);
      keys.forEach((k, i) => {
        const list = lists[i];
        if (!(list instanceof Error)) for (const l of list ?? []) locator.remember(k.source, l.externalId, k.id);
      });
      return lists;
    };
  }

  /** Groups keys by source, calls `fetch` once per source, and puts each answer back in its key's place. */
  #perSource<T>(fetch: (source: LicenseSource, ids: string[]) => Promise<BatchResult<T>> | undefined): BatchLoad<SourceKey, T> {
    const sources = this.#sources;
    return async (keys) => {
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
          indexes.forEach(
            (keyIndex, j) => (out[keyIndex] = j < results.length ? results[j]! : new Error(`source ${sourceId} returned too few results`)),
          );
        }),
      );
      return out;
    };
  }
}

export function createLoaders(store: Store, sources: SourceRegistry, options: LoaderOptions = {}): Loaders {
  return new Loaders(store, sources, options);
}

function byId<R, K>(rows: R[], keyOf: (r: R) => K): Map<K, R> {
  return new Map(rows.map((r) => [keyOf(r), r]));
}

function groupBy<R, K>(rows: R[], keyOf: (r: R) => K): Map<K, R[]> {
  const map = new Map<K, R[]>();
  for (const r of rows) map.set(keyOf(r), [...(map.get(keyOf(r)) ?? []), r]);
  return map;
}

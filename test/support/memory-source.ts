import type { ControllerInfo, License } from "../../src/domain/model.js";
import type {
  BatchResult,
  CatalogueApi,
  ControllerHardware,
  CustomerProfile,
  DirectoryApi,
  LicenseMatch,
  LicenseOffer,
  LicenseSource,
  SourceHealth,
} from "../../src/sources/source.js";

/**
 * What an in-memory source holds. Each part given is a capability the source then has (the federation layer
 * skips a source that lacks one, so a missing part must be a missing method, not an empty answer). An Error in
 * place of a value is that key's failure alone, as a vendor's batch answer can carry.
 */
export interface MemorySourceData {
  /** Licenses each vendor account lists: `licensesOfAccounts`. */
  accounts?: Record<string, License[] | Error>;
  /** Licenses linked to each controller: `licensesOfControllers`. */
  nodes?: Record<string, License[] | Error>;
  /** The controllers the vendor knows: `controllers`. */
  controllers?: Record<string, ControllerInfo | Error>;
  /** A lookup by id or key (`findLicense`) over `accounts` and `nodes`, as Cryptolens has. */
  lookup?: boolean;
  /** Catalogue offers per account: `catalogue` (reads use only `offers`). */
  offers?: Record<string, LicenseOffer[]>;
  /** Profiles per account and hardware per serial number: `directory`. */
  profiles?: Record<string, CustomerProfile>;
  hardware?: Record<string, ControllerHardware>;
}

/** One call the source answered (or refused), with the keys it was asked for in one batch. */
export interface SourceCall {
  method: string;
  keys: string[];
}

/** A LicenseSource over data in memory that records every call, and can be made to fail as a whole. */
export interface MemorySource extends LicenseSource {
  readonly calls: SourceCall[];
  /** While set, every call rejects with it: the vendor is down. */
  failure: Error | null;
  /** The batches of keys `method` was called with, in order. */
  callsTo(method: string): string[][];
}

const HEALTH: SourceHealth = {
  state: "unknown",
  lastErrorCode: null,
  lastErrorAt: null,
  lastSuccessAt: null,
  circuit: "closed",
  latencyP50Ms: null,
  latencyP95Ms: null,
  errorRate: null,
};

export function memorySource(id: string, data: MemorySourceData, kind = "memory"): MemorySource {
  const source: MemorySource = {
    id,
    kind,
    calls: [],
    failure: null,
    callsTo: (method) => source.calls.filter((c) => c.method === method).map((c) => c.keys),
    health: () => HEALTH,
    close: async () => {},
  };

  /** Records the call, then answers each key from `table`; an unknown key gets `missing`. */
  const batch =
    <T>(method: string, table: Record<string, T | Error>, missing: T) =>
    async (keys: readonly string[]): Promise<BatchResult<T>> => {
      answer(method, keys);
      return keys.map((k) => table[k] ?? missing);
    };
  const answer = (method: string, keys: readonly string[]): void => {
    source.calls.push({ method, keys: [...keys] });
    if (source.failure) throw source.failure;
  };

  const { accounts, nodes, controllers, offers, profiles, hardware } = data;
  if (accounts) source.licensesOfAccounts = batch("licensesOfAccounts", accounts, []);
  if (nodes) source.licensesOfControllers = batch("licensesOfControllers", nodes, []);
  if (controllers) source.controllers = batch<ControllerInfo | null>("controllers", controllers, null);
  if (data.lookup) {
    const all = [...Object.values(accounts ?? {}), ...Object.values(nodes ?? {})].flatMap((list) => (list instanceof Error ? [] : list));
    source.findLicense = async (match: LicenseMatch) => {
      answer("findLicense", ["key" in match ? match.key : match.externalId]);
      return all.find((l) => ("key" in match ? l.key === match.key : l.externalId === match.externalId)) ?? null;
    };
  }
  if (offers) Object.assign(source, { catalogue: catalogueOf(offers, answer) });
  if (profiles || hardware) Object.assign(source, { directory: directoryOf(profiles ?? {}, hardware ?? {}, batch) });
  return source;
}

type Answer = (method: string, keys: readonly string[]) => void;

/** Reads ask a catalogue only for offers; its writes belong to the mutation services' tests. */
function catalogueOf(offers: Record<string, LicenseOffer[]>, answer: Answer): CatalogueApi {
  const notForReads = async (): Promise<never> => {
    throw new Error("a read never changes a catalogue");
  };
  return {
    offers: async (accountId, filter) => {
      answer("offers", [accountId]);
      return (offers[accountId] ?? []).filter((o) => !filter.code || o.code === filter.code);
    },
    assignDemo: notForReads,
    assignOffer: notForReads,
    renew: notForReads,
    cancel: notForReads,
  };
}

function directoryOf(
  profiles: Record<string, CustomerProfile>,
  hardware: Record<string, ControllerHardware>,
  batch: <T>(method: string, table: Record<string, T | Error>, missing: T) => (keys: readonly string[]) => Promise<BatchResult<T>>,
): DirectoryApi {
  return {
    profiles: batch<CustomerProfile | null>("profiles", profiles, null),
    hardware: batch<ControllerHardware | null>("hardware", hardware, null),
    validateContact: () => [],
    updateContact: async () => {
      throw new Error("a read never changes a directory");
    },
  };
}

/** A license at `source` with every optional fact unknown; `overrides` sets what a test is about. */
export function licenseAt(source: string, externalId: string, overrides: Partial<License> = {}): License {
  return {
    source,
    externalId,
    key: `KEY-${externalId}`,
    type: null,
    status: "ACTIVE",
    gridKw: null,
    solarKw: null,
    batteryKw: null,
    evKw: null,
    createdAt: null,
    activatedAt: null,
    expiresAt: null,
    deactivatedAt: null,
    durationMonths: null,
    features: null,
    maxControllers: null,
    account: null,
    customerId: null,
    datalinks: null,
    ...overrides,
  };
}

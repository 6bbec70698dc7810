import type { License } from "../domain/model.js";
import {
  eachAlone,
  type BatchResult,
  type CatalogueApi,
  type ClaimInput,
  type DirectoryApi,
  type LicenseMatch,
  type LicenseSource,
  type OfferFilter,
} from "../sources/source.js";
import type { Invalidation } from "./invalidation.js";
import type { CachePolicy, KeyedRead, SourceCache } from "./source-cache.js";
import { licenseListTags, licenseTags, tag } from "../domain/data-tags.js";

/**
 * A source whose reads go through the cross-request cache and whose writes invalidate what they change. The
 * vendor adapter underneath knows nothing of it. `scope` names the source instance and its credentials (a
 * fingerprint, never the secret), so answers fetched with one credential are never served under another.
 */
export function cachedSource(
  source: LicenseSource,
  scope: string,
  policy: CachePolicy,
  cache: SourceCache,
  invalidation: Invalidation,
): LicenseSource {
  const id = source.id;
  const read = <T>(
    name: string,
    fetch: (ids: string[]) => Promise<BatchResult<T>>,
    tagsOf: (key: string, value: T) => string[],
  ): KeyedRead<T> => ({
    namespace: `${scope}:${name}`,
    policy,
    fetch,
    tagsOf,
  });
  const licensesTagged = (keyTag: (key: string) => string) => (key: string, licenses: License[]) => [
    keyTag(key),
    ...licenseListTags(licenses),
  ];
  const orNull = (l: License | null) => (l ? licenseTags(l) : []);

  const accounts =
    source.licensesOfAccounts &&
    read(
      "accounts",
      source.licensesOfAccounts.bind(source),
      licensesTagged((a) => tag.account(id, a)),
    );
  const controllers =
    source.licensesOfControllers &&
    read(
      "controller-licenses",
      source.licensesOfControllers.bind(source),
      licensesTagged((n) => tag.node(id, n)),
    );
  const devices = source.controllers && read("controllers", source.controllers.bind(source), (n) => [tag.node(id, n)]);
  const find = source.findLicense?.bind(source);
  const byKey =
    find &&
    read(
      "by-key",
      eachAlone((key) => find({ key })),
      (key, l: License | null) => [tag.licenseKey(id, key), ...orNull(l)],
    );
  const byId =
    find &&
    read(
      "by-id",
      eachAlone((externalId) => find({ externalId })),
      (ext, l: License | null) => [tag.license(id, ext), ...orNull(l)],
    );

  /** Runs a write, then drops what it changed (also when it failed: it may have reached the vendor). */
  async function writing<T>(tags: string[], write: () => Promise<T>, resultTags: (result: T) => string[] = () => []): Promise<T> {
    try {
      const result = await write();
      invalidation.invalidate([...tags, ...resultTags(result)]);
      return result;
    } catch (error) {
      invalidation.invalidate(tags);
      throw error;
    }
  }
  const claimTags = (input: ClaimInput) => [tag.licenseKey(id, input.key), tag.node(id, input.nodeId)];
  const activate = source.activate?.bind(source);
  const claim = source.claim?.bind(source);
  const release = source.release?.bind(source);

  return {
    id,
    kind: source.kind,
    ...(source.claimsKeptByGateway !== undefined ? { claimsKeptByGateway: source.claimsKeptByGateway } : {}),
    ...(source.validateAccountId ? { validateAccountId: source.validateAccountId.bind(source) } : {}),
    ...(accounts ? { licensesOfAccounts: (ids: readonly string[]) => cache.batch(accounts, ids) } : {}),
    ...(controllers ? { licensesOfControllers: (ids: readonly string[]) => cache.batch(controllers, ids) } : {}),
    ...(devices ? { controllers: (ids: readonly string[]) => cache.batch(devices, ids) } : {}),
    ...(byKey && byId
      ? {
          findLicense: async (match: LicenseMatch) => {
            const [found] = "key" in match ? await cache.batch(byKey, [match.key]) : await cache.batch(byId, [match.externalId]);
            if (found instanceof Error) throw found;
            return found ?? null;
          },
        }
      : {}),
    ...(activate ? { activate: (input) => writing([tag.licenseKey(id, input.key)], () => activate(input), licenseTags) } : {}),
    ...(claim
      ? {
          claim: (input) =>
            writing(
              claimTags(input),
              () => claim(input),
              (o) => [tag.license(id, o.licenseExternalId)],
            ),
        }
      : {}),
    ...(release
      ? {
          release: (input) =>
            writing(
              claimTags(input),
              () => release(input),
              (l) => (l ? licenseTags(l) : []),
            ),
        }
      : {}),
    ...(source.catalogue ? { catalogue: cachedCatalogue(id, scope, policy, source.catalogue, cache, writing) } : {}),
    ...(source.directory ? { directory: cachedDirectory(id, scope, policy, source.directory, cache, writing) } : {}),
    health: () => source.health(),
    close: () => source.close(),
  };
}

type Writing = <T>(tags: string[], write: () => Promise<T>, resultTags?: (result: T) => string[]) => Promise<T>;

function cachedCatalogue(
  id: string,
  scope: string,
  policy: CachePolicy,
  catalogue: CatalogueApi,
  cache: SourceCache,
  writing: Writing,
): CatalogueApi {
  return {
    // Offers depend on the account and the filter; they change only at the vendor, so only the TTL renews them.
    offers: async (accountId, filter) => {
      const read: KeyedRead<Awaited<ReturnType<CatalogueApi["offers"]>>> = {
        namespace: `${scope}:offers:${offerFilterKey(filter)}`,
        policy,
        fetch: eachAlone((account) => catalogue.offers(account, filter)),
        tagsOf: (account) => [tag.account(id, account)],
      };
      const [offers] = await cache.batch(read, [accountId]);
      if (offers instanceof Error) throw offers;
      return offers!;
    },
    assignDemo: (accountId, options) => writing([tag.account(id, accountId)], () => catalogue.assignDemo(accountId, options), licenseTags),
    assignOffer: (accountId, input) => writing([tag.account(id, accountId)], () => catalogue.assignOffer(accountId, input), licenseTags),
    renew: (accountId, licenseId) =>
      writing([tag.account(id, accountId), tag.license(id, licenseId)], () => catalogue.renew(accountId, licenseId), licenseTags),
    cancel: (accountId, licenseId) =>
      writing([tag.account(id, accountId), tag.license(id, licenseId)], () => catalogue.cancel(accountId, licenseId)),
  };
}

function cachedDirectory(
  id: string,
  scope: string,
  policy: CachePolicy,
  directory: DirectoryApi,
  cache: SourceCache,
  writing: Writing,
): DirectoryApi {
  const profiles: KeyedRead<Awaited<ReturnType<DirectoryApi["profiles"]>>[number]> = {
    namespace: `${scope}:profiles`,
    policy,
    fetch: (ids) => directory.profiles(ids),
    tagsOf: (account) => [tag.account(id, account)],
  };
  const hardware: KeyedRead<Awaited<ReturnType<DirectoryApi["hardware"]>>[number]> = {
    namespace: `${scope}:hardware`,
    policy,
    fetch: (serials) => directory.hardware(serials),
    tagsOf: (serial) => [tag.serial(id, serial)],
  };
  return {
    profiles: (ids) => cache.batch(profiles, ids) as ReturnType<DirectoryApi["profiles"]>,
    hardware: (serials) => cache.batch(hardware, serials) as ReturnType<DirectoryApi["hardware"]>,
    validateContact: (patch) => directory.validateContact(patch),
    updateContact: (accountId, patch) => writing([tag.account(id, accountId)], () => directory.updateContact(accountId, patch)),
  };
}

function offerFilterKey(filter: OfferFilter): string {
  return JSON.stringify([
    filter.lang ?? null,
    filter.version ?? null,
    filter.durationMonths ?? null,
    filter.code ?? null,
    filter.currency ?? null,
  ]);
}

import type { GraphQLResolveInfo } from "graphql";
import { ApiKeyAdmin } from "../auth/key-admin.js";
import { TrustedDocumentAdmin } from "../documents/document-admin.js";
import type { DocumentCheck } from "../documents/document-admin.js";
import { Access } from "../auth/policy.js";
import type { Principal } from "../auth/principal.js";
import { createLoaders, type Loaders } from "../federation/loaders.js";
import { AuditedWriter } from "../federation/mutations/audited.js";
import { CatalogueMutations } from "../federation/mutations/catalogue-mutations.js";
import { CustomerMutations } from "../federation/mutations/customer-mutations.js";
import { LicenseMutations } from "../federation/mutations/license-mutations.js";
import { FederatedReads } from "../federation/reads.js";
import type { SourceRegistry } from "../federation/registry.js";
import type { Store } from "../store/store.js";
import { ReadTracker } from "../cache/read-tracker.js";
import type { Invalidation } from "../cache/invalidation.js";
import type { LicenseLocator } from "../cache/license-locator.js";
import type { PublishEvents } from "../federation/mutations/mutation-events.js";
import type { LicenseEventFeed } from "../events/license-event-feed.js";
import { WebhookAdmin, type WebhookAdminOptions } from "../webhooks/webhook-admin.js";

/** An error raised while a field still answered with the other sources' data, with where it happened. */
export interface PartialError {
  error: Error;
  path: ReadonlyArray<string | number>;
}

export interface GatewayContext {
  /** Who is asking; every read and mutation below answers for this principal only. */
  principal: Principal;
  /** What the principal may see and do (src/auth/policy.ts). */
  access: Access;
  sources: SourceRegistry;
  loaders: Loaders;
  reads: FederatedReads;
  mutations: {
    licenses: LicenseMutations;
    customers: CustomerMutations;
    catalogue: CatalogueMutations;
    apiKeys: ApiKeyAdmin;
    documents: TrustedDocumentAdmin;
    webhooks: WebhookAdmin;
  };
  partialErrors: PartialError[];
  /** License events (issue 16): `licenseEvents` and `licenseEventsConnection` read them through it; absent outside a gateway. */
  events: LicenseEventFeed | undefined;
  /** What this operation read, for the response cache; undefined when responses are not cached. */
  cacheReads: ReadTracker | undefined;
  /** Records `error` against the field being resolved; the response keeps that field's other data. */
  reportPartial(info: GraphQLResolveInfo): (error: Error) => void;
}

export interface ContextDeps {
  store: Store;
  sources: SourceRegistry;
  /** Set when responses are cached: each operation records what it reads, from this invalidation epoch on. */
  responseCache?: { invalidation: Invalidation };
  /** Per-request batching (`server.batching`); default true. */
  batching?: boolean;
  /** Which account listed a license (shared across requests); absent with the cache off. */
  locator?: LicenseLocator | undefined;
  /** Whether a document would run on this server: what publishing trusted documents checks (src/documents/). */
  checkDocument: DocumentCheck;
  /** Where the license events of committed mutations go (the event bus); default: only stored. */
  publishEvents?: PublishEvents | undefined;
  /** The gateway's license event feed (src/events/). */
  events?: LicenseEventFeed | undefined;
  /** What registering a webhook checks (`webhooks.allowPrivateAddresses`); default: private addresses refused. */
  webhooks?: WebhookAdminOptions | undefined;
}

/**
 * Everything per request is built here: loaders must never outlive one operation. A class rather than an object
 * literal with closures: its methods live on the prototype, so a request allocates its state only (the loaders
 * themselves are made on first use, see Loaders); making a context went from ~3 µs to ~1 µs (bench/hot-path.ts).
 */
export function createContext(deps: ContextDeps, principal: Principal): GatewayContext {
  return new OperationContext(deps, principal);
}

class OperationContext implements GatewayContext {
  readonly access: Access;
  readonly sources: SourceRegistry;
  readonly loaders: Loaders;
  readonly reads: FederatedReads;
  readonly partialErrors: PartialError[] = [];
  readonly cacheReads: ReadTracker | undefined;
  readonly events: LicenseEventFeed | undefined;
  readonly #deps: ContextDeps;
  #mutations: GatewayContext["mutations"] | undefined;

  constructor(
    deps: ContextDeps,
    readonly principal: Principal,
  ) {
    const { store, sources, responseCache, batching, locator } = deps;
    this.#deps = deps;
    this.sources = sources;
    this.events = deps.events;
    this.cacheReads = responseCache && new ReadTracker(responseCache.invalidation);
    this.loaders = createLoaders(store, sources, { tracker: this.cacheReads, batching: batching ?? true, locator });
    this.access = new Access(principal, this.loaders);
    this.reads = new FederatedReads(this.loaders, sources, store, this.access, this.cacheReads, locator);
  }

  /** Built on first use: most operations are queries, and the writer hashes the principal's scope when made. */
  get mutations(): GatewayContext["mutations"] {
    return (this.#mutations ??= this.#buildMutations());
  }

  reportPartial(info: GraphQLResolveInfo): (error: Error) => void {
    return (error) => this.partialErrors.push({ error, path: pathOf(info.path) });
  }

  #buildMutations(): GatewayContext["mutations"] {
    const { store, sources, checkDocument, webhooks } = this.#deps;
    // The whole principal, not its id: idempotent results are kept per scope (id, role and grants).
    const writer = new AuditedWriter(store, this.principal);
    return {
      licenses: new LicenseMutations(writer, sources, this.reads, this.access, this.#deps.publishEvents),
      customers: new CustomerMutations(writer, sources, this.access),
      catalogue: new CatalogueMutations(writer, sources, this.reads, this.access),
      apiKeys: new ApiKeyAdmin(writer, this.access),
      documents: new TrustedDocumentAdmin(writer, this.access, checkDocument),
      webhooks: new WebhookAdmin(writer, this.principal, webhooks ?? { allowPrivateAddresses: false }),
    };
  }
}

function pathOf(path: GraphQLResolveInfo["path"] | undefined): Array<string | number> {
  const out: Array<string | number> = [];
  for (let p = path; p; p = p.prev) out.unshift(p.key);
  return out;
}

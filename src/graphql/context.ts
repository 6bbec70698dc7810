import type { GraphQLResolveInfo } from "graphql";
import { createLoaders, type Loaders } from "../federation/loaders.js";
import { AuditedWriter } from "../federation/mutations/audited.js";
import { CatalogueMutations } from "../federation/mutations/catalogue-mutations.js";
import { CustomerMutations } from "../federation/mutations/customer-mutations.js";
import { LicenseMutations } from "../federation/mutations/license-mutations.js";
import { FederatedReads } from "../federation/reads.js";
import type { SourceRegistry } from "../federation/registry.js";
import type { Store } from "../store/store.js";

/** An error raised while a field still answered with the other sources' data, with where it happened. */
export interface PartialError {
  error: Error;
  path: ReadonlyArray<string | number>;
}

export interface GatewayContext {
  sources: SourceRegistry;
  loaders: Loaders;
  reads: FederatedReads;
  mutations: { licenses: LicenseMutations; customers: CustomerMutations; catalogue: CatalogueMutations };
  partialErrors: PartialError[];
  /** Records `error` against the field being resolved; the response keeps that field's other data. */
  reportPartial(info: GraphQLResolveInfo): (error: Error) => void;
}

export interface ContextDeps {
  store: Store;
  sources: SourceRegistry;
}

/** Everything per request is built here: loaders must never outlive one operation. */
export function createContext({ store, sources }: ContextDeps, principal: string | null = null): GatewayContext {
  const loaders = createLoaders(store, sources);
  const reads = new FederatedReads(loaders, sources, store);
  const partialErrors: PartialError[] = [];
  return {
    sources,
    loaders,
    reads,
    mutations: mutationsFor(new AuditedWriter(store, principal), sources, reads),
    partialErrors,
    reportPartial: (info) => (error) => partialErrors.push({ error, path: pathOf(info.path) }),
  };
}

function mutationsFor(writer: AuditedWriter, sources: SourceRegistry, reads: FederatedReads): GatewayContext["mutations"] {
  return {
    licenses: new LicenseMutations(writer, sources, reads),
    customers: new CustomerMutations(writer, sources),
    catalogue: new CatalogueMutations(writer, sources, reads),
  };
}

function pathOf(path: GraphQLResolveInfo["path"] | undefined): Array<string | number> {
  const out: Array<string | number> = [];
  for (let p = path; p; p = p.prev) out.unshift(p.key);
  return out;
}

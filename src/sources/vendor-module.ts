import type { z } from "zod";
import type { UpstreamConfig } from "../config/source-options.js";
import type { EsmartUser } from "../simulators/esmart/request-context.js";
import type { UpstreamTelemetry } from "../observability/upstream-telemetry.js";
import type { SharedTokens } from "./shared-tokens.js";
import type { LicenseSource } from "./source.js";

/** A vendor source's config once parsed: its `kind`, its own fields, and the options every upstream source has. */
export type VendorConfig = { kind: string } & UpstreamConfig;

/**
 * The zod schema of one `sources` entry of a vendor: a strict object whose `kind` is a literal, so that the
 * config's union of all vendors can pick it by that field.
 */
export type VendorConfigSchema = z.ZodObject<{ kind: z.ZodLiteral<string> } & z.ZodRawShape, z.core.$strict>;

/** What the gateway gives every source it builds, whatever its vendor. */
export interface SourceContext {
  /** Where sources that fetch access tokens share them with other replicas (Redis), if anywhere. */
  sharedTokens?: SharedTokens | undefined;
  /** Where its HTTP clients report each call (metrics, traces, the vendor log); none outside a gateway. */
  telemetry?: UpstreamTelemetry | undefined;
}

/** How the demo (and the tests that run it) start the simulators. */
export interface DemoOptions {
  /** Added to every simulated answer. */
  latencyMs: number;
  /**
   * The one option a vendor has of its own: the eSmart login its simulator accepts and the demo's eSmart source
   * sends (tests that add synthetic customers make their own). Default: the simulator's demo user.
   */
  esmartUser?: EsmartUser | undefined;
}

/** Something started for the demo that must be stopped with it. */
export interface Closable {
  close(): Promise<void>;
}

/** A vendor's simulators, running for the demo, and the demo sources that point at them. */
export interface StartedDemo<Input, Simulators extends Record<string, Closable>> {
  /** By demo source id (`sofar`, `flashstart`, ...): the simulator that source calls. */
  simulators: Simulators;
  /** By demo source id: the source's config, with the simulator's demo credentials. */
  sources: Record<string, Input>;
}

/** A controller the demo's store registers, as the vendor's demo data describes it. */
export interface DemoController {
  nodeId: string;
  name: string;
  serialNumber: string;
}

/**
 * What the demo's store holds for one vendor. Demo customers are numbered by their place in the gateway's list
 * (src/demo/seed.ts): customer i has account `accounts[source][i]` at each demo source.
 */
export interface DemoSeed {
  /** By demo source id, in the order the customer lists its accounts: the account of customer i at index i. */
  accounts: Record<string, ReadonlyArray<string | undefined>>;
  /** Customer i's name at this vendor, for the gateway's customer; the first vendor that has one names it. */
  customerNames?: ReadonlyArray<string | undefined>;
  /** Controllers to register in the store. */
  controllers?: readonly DemoController[];
  /**
   * Which customer (by number) owns each controller, in the order the vendor's data links them to that customer's
   * licenses: the demo's claimed local license goes to the first controller of its customer.
   */
  controllerOwners?: ReadonlyMap<string, number>;
}

/** A vendor's part in the built-in demo: its simulators and the store's data that matches them. */
export interface VendorDemo<Input, Simulators extends Record<string, Closable>> {
  /** Starts the vendor's simulators on 127.0.0.1, each on a free port. */
  start(options: DemoOptions): Promise<StartedDemo<Input, Simulators>>;
  /** For `customers` demo customers; deterministic, so seeding a kept store again changes nothing. */
  seed(customers: number): DemoSeed;
}

/**
 * One vendor: everything the gateway knows of it outside its own folder. src/sources/registry.ts lists them; config
 * parsing, source creation and the demo read nothing else.
 */
export interface VendorModule<
  Schema extends VendorConfigSchema = VendorConfigSchema,
  Simulators extends Record<string, Closable> = Record<string, Closable>,
> {
  /** What a config's `kind` names it by: the literal `configSchema` requires. */
  readonly kind: z.output<Schema>["kind"];
  readonly configSchema: Schema;
  /** One source of this vendor, `id` being its key in the config's `sources`. */
  create(id: string, config: z.output<Schema>, context: SourceContext): LicenseSource;
  readonly demo: VendorDemo<z.input<Schema>, Simulators>;
}

/** A list of vendors, as src/sources/registry.ts keeps them (a test may make its own). */
export type Vendors = readonly [VendorModule, ...VendorModule[]];

/** The config schemas of `V`, in its order: the options of the config's union of vendors. */
export type ConfigSchemasOf<V extends Vendors> = { -readonly [K in keyof V]: V[K]["configSchema"] };

/** Each vendor's demo simulators, by demo source id, all in one object. */
export type DemoSimulatorsOf<V extends Vendors> = UnionToIntersection<SimulatorsOf<V[number]>>;

type SimulatorsOf<M> = M extends VendorModule<VendorConfigSchema, infer Simulators> ? Simulators : never;
type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;

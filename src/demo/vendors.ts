import type { SourceConfigInput } from "../config/schema.js";
import { VENDORS } from "../sources/registry.js";
import type { DemoOptions, DemoSimulatorsOf, Vendors } from "../sources/vendor-module.js";

/**
 * The demo's vendors, running: each demo source's simulator under the source's id (`sofar`, `cryptolens`, ...), the
 * source configs pointing at them, and one `close` for all.
 */
export type DemoVendorsOf<V extends Vendors> = DemoSimulatorsOf<V> & {
  /** Source configs pointing at the simulators, with the simulators' demo credentials. */
  sources: Record<string, SourceConfigInput>;
  close(): Promise<void>;
};

export type DemoVendors = DemoVendorsOf<typeof VENDORS>;

/** Every option has a default: no latency, the simulators' demo logins. */
export type DemoVendorOptions = Partial<DemoOptions>;

/** Starts every registered vendor's demo simulators on 127.0.0.1, each on a free port. */
export function startDemoVendors(options: DemoVendorOptions = {}): Promise<DemoVendors> {
  return startVendorDemos(VENDORS, options);
}

/** The same for `vendors`: the registry, or a test's own list. */
export async function startVendorDemos<V extends Vendors>(vendors: V, options: DemoVendorOptions = {}): Promise<DemoVendorsOf<V>> {
  const demoOptions = { latencyMs: options.latencyMs ?? 0, esmartUser: options.esmartUser };
  const started = await Promise.all(vendors.map((vendor) => vendor.demo.start(demoOptions)));
  const running = {
    sources: Object.assign({}, ...started.map((demo) => demo.sources)) as Record<string, SourceConfigInput>,
    async close() {
      await Promise.all(started.flatMap((demo) => Object.values(demo.simulators).map((simulator) => simulator.close())));
    },
  };
  // Demo source ids are unique across vendors, so the simulators merge as their sources do.
  return Object.assign({}, ...started.map((demo) => demo.simulators), running) as DemoVendorsOf<V>;
}

import type { CryptolensSourceConfig } from "../../../src/sources/cryptolens/config.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import type { GatewayError } from "../../../src/errors/gateway-error.js";
import { CryptolensSource } from "../../../src/sources/cryptolens/source.js";
import { DEFAULT_CRYPTOLENS_TOKEN, type CryptolensSimulator } from "../../../src/simulators/cryptolens/server.js";
import { closedPortUrl as closedPortAt, expectGatewayErrorFrom, rejectionOf } from "../shared.js";

export { rejectionOf };

/** Shared by the Cryptolens adapter tests: sources pointed at a running simulator, closed by `closeSources`. */

export const SOURCE_ID = "lens";
export const TOKEN = DEFAULT_CRYPTOLENS_TOKEN;

const open: CryptolensSource[] = [];

type Overrides = Partial<Omit<CryptolensSourceConfig, "kind">>;

export function sourceFor(sim: Pick<CryptolensSimulator, "url" | "data">, overrides: Overrides = {}, now?: () => Date): CryptolensSource {
  const config: CryptolensSourceConfig = {
    kind: "cryptolens",
    url: sim.url,
    token: TOKEN,
    productId: sim.data.productId,
    timeoutMs: 2000,
    connections: 8,
    maxResponseBytes: 1024 * 1024,
    ...overrides,
  };
  const source = new CryptolensSource(SOURCE_ID, config, now);
  open.push(source);
  return source;
}

export async function closeSources(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

export const expectGatewayError = (value: unknown, code: ErrorCode): GatewayError => expectGatewayErrorFrom(SOURCE_ID, value, code);

/** Calls of one vendor method (path casing is not significant at the vendor). */
export const methodCalls = (sim: CryptolensSimulator, method: string): number =>
  sim.calls.count({ path: new RegExp(`^/api/${method.replace("/", "\\/")}$`, "i") });

/** `METHOD path status` of every call, in order. */
export const callLog = (sim: CryptolensSimulator): string[] => sim.calls.list().map((c) => `${c.method} ${c.path} ${c.status}`);

export const rawKey = (sim: CryptolensSimulator, key: string) => sim.data.keys.find((k) => k.key === key)!;

/** The vendor's zone-less dates mean UTC. */
export const utc = (vendorDate: string): Date => new Date(`${vendorDate}Z`);

export const closedPortUrl = (): Promise<string> => closedPortAt("/api/");

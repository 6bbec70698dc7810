import type { CustomerareaSourceConfig } from "../../../src/sources/customerarea/config.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import type { GatewayError } from "../../../src/errors/gateway-error.js";
import { CustomerareaSource } from "../../../src/sources/customerarea/source.js";
import { closedPortUrl as closedPortAt, expectGatewayErrorFrom, rejectionOf } from "../shared.js";

export { rejectionOf };

/** Shared by the Customerarea adapter tests: sources pointed at a running simulator, closed by `closeSources`. */

export const SOURCE_ID = "flashstart";
export const API_KEY = "demo-flashstart-key";
/** The clock of both the simulator and the sources: every seeded "active" licence runs past it, every "expired" one before it. */
export const NOW = new Date("2026-06-15T12:00:00Z");

const open: CustomerareaSource[] = [];

type Overrides = Partial<Omit<CustomerareaSourceConfig, "kind">>;

export function sourceFor(sim: { url: string }, overrides: Overrides = {}, now: () => Date = () => NOW): CustomerareaSource {
  const config: CustomerareaSourceConfig = {
    kind: "customerarea",
    url: sim.url,
    apiKey: API_KEY,
    timeoutMs: 2000,
    connections: 8,
    maxResponseBytes: 1024 * 1024,
    ...overrides,
  };
  const source = new CustomerareaSource(SOURCE_ID, config, now);
  open.push(source);
  return source;
}

export async function closeSources(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

export const expectGatewayError = (value: unknown, code: ErrorCode): GatewayError => expectGatewayErrorFrom(SOURCE_ID, value, code);

export const closedPortUrl = (): Promise<string> => closedPortAt("/customerarea/");

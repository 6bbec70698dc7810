import type { EnirisSourceConfig } from "../../../src/sources/eniris/config.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import type { GatewayError } from "../../../src/errors/gateway-error.js";
import type { UpstreamTelemetry } from "../../../src/observability/upstream-telemetry.js";
import { EnirisSource } from "../../../src/sources/eniris/source.js";
import type { EnirisSimulator } from "../../../src/simulators/eniris/server.js";
import { expectGatewayErrorFrom, rejectionOf } from "../shared.js";

export { rejectionOf };

/** Shared by the Eniris adapter tests: sources pointed at a running simulator, closed by `closeSources`. */

export const SOURCE_ID = "sofar";
export const REFRESH_TOKEN = "demo-refresh-token-sofar";
export const DEMO_USER = { username: "demo@example.com", password: "demo-password" };

const open: EnirisSource[] = [];

type Overrides = Partial<Omit<EnirisSourceConfig, "kind">>;

/**
 * A source with the refresh token unless `overrides` says otherwise; `refreshToken: undefined` drops it. `telemetry`:
 * where its clients report their calls, as a gateway's would.
 */
export function sourceFor(
  sim: Pick<EnirisSimulator, "apiUrl" | "authUrl">,
  overrides: Overrides = {},
  telemetry?: UpstreamTelemetry,
): EnirisSource {
  const config: EnirisSourceConfig = {
    kind: "eniris",
    apiUrl: sim.apiUrl,
    authUrl: sim.authUrl,
    refreshToken: REFRESH_TOKEN,
    timeoutMs: 2000,
    connections: 8,
    maxResponseBytes: 1024 * 1024,
    ...overrides,
  };
  const source = new EnirisSource(SOURCE_ID, config, undefined, undefined, telemetry);
  open.push(source);
  return source;
}

export async function closeSources(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

export const expectGatewayError = (value: unknown, code: ErrorCode): GatewayError => expectGatewayErrorFrom(SOURCE_ID, value, code);

export const tokenCalls = (sim: EnirisSimulator): number => sim.calls.count({ server: "auth", path: "/auth/accesstoken" });
export const loginCalls = (sim: EnirisSimulator): number => sim.calls.count({ server: "auth", path: "/auth/login" });
export const apiCalls = (sim: EnirisSimulator): number => sim.calls.count({ server: "api" });

import type { EsmartSourceConfig } from "../../../src/sources/esmart/config.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import type { GatewayError } from "../../../src/errors/gateway-error.js";
import { esmartDemoData } from "../../../src/simulators/esmart/data.js";
import { defaultEsmartUsers, type EsmartSimulator, type EsmartUser } from "../../../src/simulators/esmart/server.js";
import { EsmartSource } from "../../../src/sources/esmart/source.js";
import { closedPortUrl as closedPortAt, expectGatewayErrorFrom, rejectionOf } from "../shared.js";

export { rejectionOf };

/** Shared by the eSmart adapter tests: sources pointed at a running simulator, closed by `closeSources`. */

export const SOURCE_ID = "esmart";
export const DEMO_USER = { username: "demo-integration", password: "demo-password" };

/** The seed's handy ids, read before a simulator starts (for users scoped to one customer). */
export const examples = esmartDemoData().examples;

/** A user who sees only the active gateway's owner, next to the simulator's default all-seeing user. */
export const OWNER_USER: EsmartUser = { username: "owner-only", password: "owner-password", customerIds: [examples.activeGatewayOwnerId] };
export const simulatorUsers = (): EsmartUser[] => [...defaultEsmartUsers(), OWNER_USER];

const open: EsmartSource[] = [];

type Overrides = Partial<Omit<EsmartSourceConfig, "kind">>;

/** A Power source logged in as the demo user unless `overrides` says otherwise. */
export function sourceFor(sim: Pick<EsmartSimulator, "url">, overrides: Overrides = {}): EsmartSource {
  const config: EsmartSourceConfig = {
    kind: "esmart",
    url: sim.url,
    ...DEMO_USER,
    area: "power",
    timeoutMs: 2000,
    connections: 8,
    maxResponseBytes: 1024 * 1024,
    ...overrides,
  };
  const source = new EsmartSource(SOURCE_ID, config);
  open.push(source);
  return source;
}

export async function closeSources(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

export const expectGatewayError = (value: unknown, code: ErrorCode): GatewayError => expectGatewayErrorFrom(SOURCE_ID, value, code);

export const closedPortUrl = (): Promise<string> => closedPortAt("/");

/** "METHOD path status" of every call the simulator saw, in order. */
export const callLog = (sim: EsmartSimulator): string[] => sim.calls.list().map((c) => `${c.method} ${c.path} ${c.status}`);

export const customerPath = (id: string) => `/api/customers/${id}`;
export const gatewayPath = (serial: string) => `/api/gateways/serialnumber/${serial}`;
export const devicesPath = (externalId: string) => `/api/gateways/externalId/${externalId}/devices`;

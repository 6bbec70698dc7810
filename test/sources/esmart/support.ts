import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import type { EsmartSourceConfig } from "../../../src/config/schema.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import { GatewayError } from "../../../src/errors/gateway-error.js";
import { esmartDemoData } from "../../../src/simulators/esmart/data.js";
import { defaultEsmartUsers, type EsmartSimulator, type EsmartUser } from "../../../src/simulators/esmart/server.js";
import { EsmartSource } from "../../../src/sources/esmart/source.js";

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

/** Asserts a GatewayError with `code` from this source, and returns it for further checks. */
export function expectGatewayError(value: unknown, code: ErrorCode): GatewayError {
  expect(value).toBeInstanceOf(GatewayError);
  const error = value as GatewayError;
  expect({ code: error.code, source: error.source, message: error.message }).toMatchObject({ code, source: SOURCE_ID });
  return error;
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to reject, but it resolved");
}

/** A URL nothing listens on: a port that was just free. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return `http://127.0.0.1:${port}/`;
}

/** "METHOD path status" of every call the simulator saw, in order. */
export const callLog = (sim: EsmartSimulator): string[] => sim.calls.list().map((c) => `${c.method} ${c.path} ${c.status}`);

export const customerPath = (id: string) => `/api/customers/${id}`;
export const gatewayPath = (serial: string) => `/api/gateways/serialnumber/${serial}`;
export const devicesPath = (externalId: string) => `/api/gateways/externalId/${externalId}/devices`;

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import type { CryptolensSourceConfig } from "../../../src/config/schema.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import { GatewayError } from "../../../src/errors/gateway-error.js";
import { CryptolensSource } from "../../../src/sources/cryptolens/source.js";
import { DEFAULT_CRYPTOLENS_TOKEN, type CryptolensSimulator } from "../../../src/simulators/cryptolens/server.js";

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

/** Calls of one vendor method (path casing is not significant at the vendor). */
export const methodCalls = (sim: CryptolensSimulator, method: string): number =>
  sim.calls.count({ path: new RegExp(`^/api/${method.replace("/", "\\/")}$`, "i") });

/** `METHOD path status` of every call, in order. */
export const callLog = (sim: CryptolensSimulator): string[] => sim.calls.list().map((c) => `${c.method} ${c.path} ${c.status}`);

export const rawKey = (sim: CryptolensSimulator, key: string) => sim.data.keys.find((k) => k.key === key)!;

/** The vendor's zone-less dates mean UTC. */
export const utc = (vendorDate: string): Date => new Date(`${vendorDate}Z`);

export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return `http://127.0.0.1:${port}/api/`;
}

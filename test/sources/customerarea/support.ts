import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import type { CustomerareaSourceConfig } from "../../../src/config/schema.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import { GatewayError } from "../../../src/errors/gateway-error.js";
import { CustomerareaSource } from "../../../src/sources/customerarea/source.js";

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

/** A URL on which nothing listens: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return `http://127.0.0.1:${port}/customerarea/`;
}

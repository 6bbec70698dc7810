import { expect } from "vitest";
import type { EnirisSourceConfig } from "../../../src/config/schema.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import { GatewayError } from "../../../src/errors/gateway-error.js";
import { EnirisSource } from "../../../src/sources/eniris/source.js";
import type { EnirisSimulator } from "../../../src/simulators/eniris/server.js";

/** Shared by the Eniris adapter tests: sources pointed at a running simulator, closed by `closeSources`. */

export const SOURCE_ID = "sofar";
export const REFRESH_TOKEN = "demo-refresh-token-sofar";
export const DEMO_USER = { username: "demo@example.com", password: "demo-password" };

const open: EnirisSource[] = [];

type Overrides = Partial<Omit<EnirisSourceConfig, "kind">>;

/** A source with the refresh token unless `overrides` says otherwise; `refreshToken: undefined` drops it. */
export function sourceFor(sim: Pick<EnirisSimulator, "apiUrl" | "authUrl">, overrides: Overrides = {}): EnirisSource {
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
  const source = new EnirisSource(SOURCE_ID, config);
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

export const tokenCalls = (sim: EnirisSimulator): number => sim.calls.count({ server: "auth", path: "/auth/accesstoken" });
export const loginCalls = (sim: EnirisSimulator): number => sim.calls.count({ server: "auth", path: "/auth/login" });
export const apiCalls = (sim: EnirisSimulator): number => sim.calls.count({ server: "api" });

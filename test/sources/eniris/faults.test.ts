import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resilienceSchema } from "../../../src/config/schema.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import { NO_UPSTREAM_TELEMETRY, type VendorErrorAnswer } from "../../../src/observability/upstream-telemetry.js";
import { startEnirisSimulator, type EnirisFaultRule, type EnirisSimulator } from "../../../src/simulators/eniris/server.js";
import { apiCalls, closeSources, expectGatewayError, rejectionOf, sourceFor } from "./support.js";

/** Vendor and transport failures, each mapped to its stable code and tagged with the source; and health(). */

let sim: EnirisSimulator;

beforeAll(async () => {
  sim = await startEnirisSimulator({ brand: "sofar" });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});
afterEach(async () => {
  await closeSources();
});

const customerPath = () => `/v1/license/customer/${sim.data.examples.customerWithLicensesId}`;

/** One licensesOfAccounts call under `fault` (on the customer path of the API host); returns its slot. */
async function accountsUnder(fault: EnirisFaultRule, overrides: Parameters<typeof sourceFor>[1] = {}) {
  const source = sourceFor(sim, overrides);
  sim.fault({ ...fault, server: "api", path: customerPath() });
  const [result] = await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
  return { source, result };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return `http://127.0.0.1:${port}`;
}

/** A transient answer (5xx, 429 without a long Retry-After) to a read is retried twice (resilience.retries) first. */
const sends = (status: number): number => (status >= 500 || status === 429 ? 3 : 1);

describe("vendor statuses", () => {
  it.each<[number, ErrorCode]>([
    [500, "UPSTREAM_UNAVAILABLE"],
    [503, "UPSTREAM_UNAVAILABLE"],
    [502, "UPSTREAM_UNAVAILABLE"],
    [403, "UPSTREAM_FORBIDDEN"],
    [400, "UPSTREAM_REJECTED"],
  ])("HTTP %i → %s (a read: after two retries if transient)", async (status, code) => {
    const { result } = await accountsUnder({ kind: "status", status });
    const error = expectGatewayError(result, code);
    expect(error.upstreamStatus).toBe(status);
    expect(apiCalls(sim)).toBe(sends(status));
  });

  it("429 with Retry-After: 7 → UPSTREAM_RATE_LIMITED carrying retryAfterSeconds 7", async () => {
    const { result } = await accountsUnder({ kind: "status", status: 429, headers: { "retry-after": "7" } });
    const error = expectGatewayError(result, "UPSTREAM_RATE_LIMITED");
    expect(error.retryAfterSeconds).toBe(7);
    expect(error.upstreamStatus).toBe(429);
  });

  it("a 500 on activate rejects with UPSTREAM_UNAVAILABLE", async () => {
    const source = sourceFor(sim);
    sim.fault({ server: "api", path: "/v1/license/activate", kind: "status", status: 500 });
    expectGatewayError(await rejectionOf(source.activate({ key: sim.data.examples.inactiveUnclaimedKey })), "UPSTREAM_UNAVAILABLE");
  });

  it("a 429 on claim rejects with UPSTREAM_RATE_LIMITED", async () => {
    const source = sourceFor(sim);
    sim.fault({ server: "api", path: "/v1/license/claim", kind: "status", status: 429, headers: { "retry-after": "3" } });
    const input = { key: sim.data.examples.activeUnclaimedKey, nodeId: sim.data.examples.controllerWithoutLicensesNodeId };
    const error = expectGatewayError(await rejectionOf(source.claim(input)), "UPSTREAM_RATE_LIMITED");
    expect(error.retryAfterSeconds).toBe(3);
  });

  it("a 500 from the auth host → UPSTREAM_UNAVAILABLE and no API call", async () => {
    const source = sourceFor(sim);
    sim.fault({ server: "auth", path: "/auth/accesstoken", kind: "status", status: 500 });
    const [result] = await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
    expectGatewayError(result, "UPSTREAM_UNAVAILABLE");
    expect(apiCalls(sim)).toBe(0);
  });
});

describe("transport failures", () => {
  it("a reset connection → UPSTREAM_UNAVAILABLE", async () => {
    const { result } = await accountsUnder({ kind: "reset" });
    expectGatewayError(result, "UPSTREAM_UNAVAILABLE");
  });

  it("a vendor that never answers → UPSTREAM_TIMEOUT after timeoutMs (300 ms), well within 1 s (retries off)", async () => {
    const started = Date.now();
    const { result } = await accountsUnder({ kind: "timeout" }, { timeoutMs: 300, resilience: resilienceSchema.parse({ retries: 0 }) });
    const elapsed = Date.now() - started;
    expectGatewayError(result, "UPSTREAM_TIMEOUT");
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1000);
  });

  it("an auth host that never answers → UPSTREAM_TIMEOUT", async () => {
    const source = sourceFor(sim, { timeoutMs: 300 });
    sim.fault({ server: "auth", kind: "timeout" });
    const [result] = await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
    expectGatewayError(result, "UPSTREAM_TIMEOUT");
  });

  it("an API host on a closed port → UPSTREAM_UNAVAILABLE", async () => {
    const source = sourceFor({ apiUrl: await closedPortUrl(), authUrl: sim.authUrl });
    const [result] = await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
    expectGatewayError(result, "UPSTREAM_UNAVAILABLE");
  });

  it("both hosts on a closed port → UPSTREAM_UNAVAILABLE, also for activate", async () => {
    const url = await closedPortUrl();
    const source = sourceFor({ apiUrl: url, authUrl: url });
    const [result] = await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
    expectGatewayError(result, "UPSTREAM_UNAVAILABLE");
    expectGatewayError(await rejectionOf(source.activate({ key: "ANY-KEY" })), "UPSTREAM_UNAVAILABLE");
  });
});

describe("bad bodies", () => {
  it("malformed JSON → UPSTREAM_BAD_RESPONSE", async () => {
    const { result } = await accountsUnder({ kind: "malformed" });
    expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
  });

  it("a body over maxResponseBytes (64 KiB) → UPSTREAM_BAD_RESPONSE", async () => {
    const { result } = await accountsUnder({ kind: "oversized", sizeBytes: 256 * 1024 }, { maxResponseBytes: 64 * 1024 });
    expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
  });

  it("a body just under maxResponseBytes is read (then refused only for its shape)", async () => {
    const { result } = await accountsUnder({ kind: "oversized", sizeBytes: 60 * 1024 }, { maxResponseBytes: 64 * 1024 });
    const error = expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
    expect(error.message).not.toMatch(/larger than/);
  });

  it("a 200 with the wrong shape ({licenses:[{id:5}]}) → UPSTREAM_BAD_RESPONSE, not a crash", async () => {
    const { result } = await accountsUnder({ kind: "status", status: 200, body: { licenses: [{ id: 5 }] } });
    expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
  });

  it("a 200 with the wrong shape logs where and what the vendor sent (got 5); the client's message names only where", async () => {
    const answers: VendorErrorAnswer[] = [];
    const source = sourceFor(sim, {}, { ...NO_UPSTREAM_TELEMETRY, vendorError: (answer) => answers.push(answer) });
    sim.fault({ server: "api", path: customerPath(), kind: "status", status: 200, body: { licenses: [{ id: 5, key: "K-1" }] } });
    const [result] = await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
    const error = expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
    expect(error.message).toBe("sofar: license list: the answer's licenses.0.id is not of the type expected (string)");
    expect(answers).toEqual([
      expect.objectContaining({
        code: "UPSTREAM_BAD_RESPONSE",
        status: 200,
        vendorSaid: expect.stringMatching(/^licenses\.0\.id: .*; got 5$/),
      }),
    ]);
  });

  it("a device query with the wrong shape → UPSTREAM_BAD_RESPONSE in every slot", async () => {
    const source = sourceFor(sim);
    sim.fault({ server: "api", path: "/v1/device/query", kind: "status", status: 200, body: { device: [{ properties: {} }] } });
    const results = await source.controllers(["a", "b"]);
    for (const r of results) expectGatewayError(r, "UPSTREAM_BAD_RESPONSE");
  });

  it("an activate answer without a license → UPSTREAM_BAD_RESPONSE", async () => {
    const source = sourceFor(sim);
    sim.fault({ server: "api", path: "/v1/license/activate", kind: "status", status: 200, body: { success: true } });
    expectGatewayError(await rejectionOf(source.activate({ key: sim.data.examples.inactiveUnclaimedKey })), "UPSTREAM_BAD_RESPONSE");
  });

  it("an empty access token from the auth host → UPSTREAM_BAD_RESPONSE", async () => {
    const source = sourceFor(sim);
    sim.fault({ server: "auth", path: "/auth/accesstoken", kind: "status", status: 200, body: "  " });
    const [result] = await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
    expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
    expect(apiCalls(sim)).toBe(0);
  });
});

describe("health()", () => {
  it("is unknown before any call, ok after a success, failing with the code after a 500, ok again after a success", async () => {
    const source = sourceFor(sim);
    expect(source.health()).toEqual({
      state: "unknown",
      lastErrorCode: null,
      lastErrorAt: null,
      lastSuccessAt: null,
      circuit: "closed",
      latencyP50Ms: null,
      latencyP95Ms: null,
      errorRate: null,
    });

    await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
    const ok = source.health();
    expect(ok).toMatchObject({ state: "ok", lastErrorCode: null, lastErrorAt: null });
    expect(ok.lastSuccessAt).toBeInstanceOf(Date);

    // Every try fails (a read is retried), then the fault is gone.
    sim.fault({ server: "api", path: customerPath(), kind: "status", status: 500 });
    await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
    const failing = source.health();
    expect(failing).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_UNAVAILABLE", circuit: "closed" });
    expect(failing.lastErrorAt).toBeInstanceOf(Date);
    sim.clearFaults();

    await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
    expect(source.health()).toMatchObject({ state: "ok", lastErrorCode: "UPSTREAM_UNAVAILABLE" });
  });

  it("is failing after an auth failure", async () => {
    const source = sourceFor(sim, { refreshToken: "nope" });
    await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_UNAUTHENTICATED" });
  });

  it("is failing after a timeout", async () => {
    const { source } = await accountsUnder({ kind: "timeout" }, { timeoutMs: 300 });
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_TIMEOUT" });
  });

  it("a malformed body left health ok: it is failing with UPSTREAM_BAD_RESPONSE", async () => {
    const { source } = await accountsUnder({ kind: "malformed" });
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_BAD_RESPONSE" });
  });

  it("a 500 counted as a success: lastSuccessAt stays null when the only call failed", async () => {
    const { source } = await accountsUnder({ kind: "status", status: 500 });
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_UNAVAILABLE", lastSuccessAt: null });
  });
});

import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resilienceSchema } from "../../../src/config/schema.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import { GatewayError } from "../../../src/errors/gateway-error.js";
import { codeOfMessage } from "../../../src/sources/cryptolens/errors.js";
import { startCryptolensSimulator, type CryptolensFaultRule, type CryptolensSimulator } from "../../../src/simulators/cryptolens/server.js";
import { TOKEN, closeSources, closedPortUrl, expectGatewayError, rejectionOf, sourceFor } from "./support.js";

/** Vendor messages, statuses and transport failures, each mapped to its stable code and tagged with the source; and health(). */

let sim: CryptolensSimulator;

beforeAll(async () => {
  sim = await startCryptolensSimulator({
    tokens: [TOKEN, { token: "read-only-token", permissions: ["GetCustomerLicenses", "GetKey"] }],
  });
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

const ex = () => sim.data.examples;
const LISTING = /customer\/getcustomerlicenses$/i;

/** One licensesOfAccounts call under `fault` (on the listing method); returns its slot. */
async function listingUnder(fault: CryptolensFaultRule, overrides: Parameters<typeof sourceFor>[1] = {}) {
  const source = sourceFor(sim, overrides);
  sim.fault({ ...fault, path: LISTING });
  const [result] = await source.licensesOfAccounts([String(ex().customerWithKeysId)]);
  return { source, result };
}

/** Everything an error could show: message, cause chain, inspected form. The token must be in none of it. */
function expectNoToken(error: unknown, token = TOKEN): void {
  expect(error).toBeInstanceOf(Error);
  const e = error as Error;
  expect(e.message).not.toContain(token);
  expect(inspect(e, { depth: 10 })).not.toContain(token);
  expect(JSON.stringify({ ...e, message: e.message })).not.toContain(token);
}

describe("documented vendor messages → codes", () => {
  const table: [string, ErrorCode][] = [
    ["Unable to authenticate.", "UPSTREAM_UNAUTHENTICATED"],
    ["Access denied.", "UPSTREAM_FORBIDDEN"],
    ["The input parameters were incorrect.", "UPSTREAM_REJECTED"],
    ["Customer does not exist.", "NOT_FOUND"],
    ["The Secret was not specified.", "UPSTREAM_REJECTED"],
    ["Could not find the product.", "UPSTREAM_REJECTED"],
    ["Could not find the key.", "NOT_FOUND"],
    ["The key is blocked and cannot be accessed.", "LICENSE_BLOCKED"],
    ["Cannot activate the new device as the limit has been reached.", "LICENSE_CLAIM_LIMIT_REACHED"],
  ];

  it.each(table)("%j → %s (the table)", (message, code) => {
    expect(codeOfMessage(message)).toBe(code);
    expect(codeOfMessage(` ${message.toUpperCase()} `)).toBe(code);
  });

  it("other text has no code, and a prototype name is not a message", () => {
    expect(codeOfMessage("Something else.")).toBeUndefined();
    expect(codeOfMessage("constructor")).toBeUndefined();
    expect(codeOfMessage("__proto__")).toBeUndefined();
    expect(codeOfMessage(null)).toBeUndefined();
  });

  it.each(table.flatMap(([message, code]) => [200, 400, 500].map((status) => [message, status, code] as const)))(
    "%j on HTTP %i → %s: the body decides, whatever the status",
    async (message, status, code) => {
      const source = sourceFor(sim);
      sim.fault({ path: /activate$/i, kind: "status", status, body: { result: 1, message } });
      const error = expectGatewayError(
        await rejectionOf(source.claim({ key: ex().activeUnactivatedKey, nodeId: ex().controllerWithoutKeyNodeId })),
        code,
      );
      expect(error.upstreamStatus).toBe(status);
      expectNoToken(error);
    },
  );

  // Updated for issue 13, item 7: the vendor's message was quoted (only the token scrubbed); a vendor's words now
  // go to the log only, and the client's message is the gateway's own.
  it("an undocumented message on a 2xx is UPSTREAM_REJECTED in the gateway's words, never the vendor's", async () => {
    const { result } = await listingUnder({ kind: "status", status: 200, body: { result: 1, message: `Weird failure for ${TOKEN}.` } });
    const error = expectGatewayError(result, "UPSTREAM_REJECTED");
    expect(error.message).not.toContain("Weird failure");
    expect(error.message).toMatch(/refused the request the gateway sent \(customer\/GetCustomerLicenses/);
    expectNoToken(error);
  });

  it("an undocumented message on a 503 is UPSTREAM_UNAVAILABLE (the shared meaning of the status)", async () => {
    const { result } = await listingUnder({ kind: "status", status: 503, body: { result: 1, message: "Service Unavailable" } });
    expect(expectGatewayError(result, "UPSTREAM_UNAVAILABLE").upstreamStatus).toBe(503);
  });
});

describe("the vendor's own refusals", () => {
  it("a wrong token → UPSTREAM_UNAUTHENTICATED, the token in no message, and health failing", async () => {
    const wrong = "wrong-secret-token-123";
    const source = sourceFor(sim, { token: wrong });
    const [result] = await source.licensesOfAccounts([String(ex().customerWithKeysId)]);
    expectGatewayError(result, "UPSTREAM_UNAUTHENTICATED");
    expectNoToken(result, wrong);
    const claimError = await rejectionOf(source.claim({ key: ex().activeUnactivatedKey, nodeId: ex().controllerWithoutKeyNodeId }));
    expectGatewayError(claimError, "UPSTREAM_UNAUTHENTICATED");
    expectNoToken(claimError, wrong);
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_UNAUTHENTICATED" });
  });

  it("a token without the Activate permission → UPSTREAM_FORBIDDEN, nothing activated", async () => {
    const source = sourceFor(sim, { token: "read-only-token" });
    const key = ex().activeUnactivatedKey;
    expectGatewayError(await rejectionOf(source.claim({ key, nodeId: ex().controllerWithoutKeyNodeId })), "UPSTREAM_FORBIDDEN");
    expect(sim.data.keys.find((k) => k.key === key)!.activatedMachines).toEqual([]);
    // Reads it may do still work.
    expect(await source.findLicense({ key })).not.toBeNull();
  });

  it("a productId the vendor does not know → UPSTREAM_REJECTED naming the configured product (an operator's problem)", async () => {
    const source = sourceFor(sim, { productId: 999 });
    const error = expectGatewayError(await rejectionOf(source.findLicense({ key: ex().activeUnactivatedKey })), "UPSTREAM_REJECTED");
    expect(error.message).toMatch(/product 999.*productId/);
    expect(error.field).toBeUndefined();
  });

  it("a url without the method (HTTP 404) → UPSTREAM_REJECTED, not a false 'no such license'", async () => {
    const source = sourceFor({ url: sim.url.replace(/\/api\/$/, "/nope/"), data: sim.data });
    const error = expectGatewayError(await rejectionOf(source.findLicense({ key: ex().activeUnactivatedKey })), "UPSTREAM_REJECTED");
    expect(error.message).toMatch(/url/);
    expect(source.health().state).toBe("failing");
  });
});

/** A transient answer (5xx, 429 without a long Retry-After) to a read is retried twice (resilience.retries) first. */
const sends = (status: number): number => (status >= 500 || status === 429 ? 3 : 1);

describe("vendor statuses without a Cryptolens body", () => {
  it.each<[number, ErrorCode]>([
    [500, "UPSTREAM_UNAVAILABLE"],
    [502, "UPSTREAM_UNAVAILABLE"],
    [429, "UPSTREAM_RATE_LIMITED"],
    [403, "UPSTREAM_FORBIDDEN"],
    [401, "UPSTREAM_UNAUTHENTICATED"],
    [400, "UPSTREAM_REJECTED"],
  ])("HTTP %i with a plain-text body → %s (after two retries if transient)", async (status, code) => {
    const { result } = await listingUnder({ kind: "status", status, body: "oops" });
    expect(expectGatewayError(result, code).upstreamStatus).toBe(status);
    expect(sim.calls.count()).toBe(sends(status));
  });

  it("HTTP 500 with the simulator's default body → UPSTREAM_UNAVAILABLE", async () => {
    const { result } = await listingUnder({ kind: "status", status: 500 });
    expectGatewayError(result, "UPSTREAM_UNAVAILABLE");
  });

  it("429 with Retry-After: 7 carries retryAfterSeconds 7", async () => {
    const { result } = await listingUnder({ kind: "status", status: 429, headers: { "retry-after": "7" }, body: "slow down" });
    expect(expectGatewayError(result, "UPSTREAM_RATE_LIMITED").retryAfterSeconds).toBe(7);
  });
});

describe("transport failures", () => {
  it("a vendor that never answers → UPSTREAM_TIMEOUT after timeoutMs (300 ms), well within 1 s (retries off)", async () => {
    const started = Date.now();
    const { result } = await listingUnder({ kind: "timeout" }, { timeoutMs: 300, resilience: resilienceSchema.parse({ retries: 0 }) });
    const elapsed = Date.now() - started;
    expectGatewayError(result, "UPSTREAM_TIMEOUT");
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1000);
  });

  it("a reset connection → UPSTREAM_UNAVAILABLE", async () => {
    const { result } = await listingUnder({ kind: "reset" });
    expectGatewayError(result, "UPSTREAM_UNAVAILABLE");
  });

  it("connection refused → UPSTREAM_UNAVAILABLE for reads and writes, the token in no message", async () => {
    const source = sourceFor({ url: await closedPortUrl(), data: sim.data });
    const [result] = await source.licensesOfAccounts(["101"]);
    expectGatewayError(result, "UPSTREAM_UNAVAILABLE");
    expectNoToken(result);
    const error = await rejectionOf(source.claim({ key: "ANY", nodeId: "node" }));
    expectGatewayError(error, "UPSTREAM_UNAVAILABLE");
    expectNoToken(error);
  });
});

describe("bad bodies", () => {
  it("malformed JSON → UPSTREAM_BAD_RESPONSE", async () => {
    const { result } = await listingUnder({ kind: "malformed" });
    expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
  });

  it("a 200 without `result` → UPSTREAM_BAD_RESPONSE", async () => {
    const { result } = await listingUnder({ kind: "status", status: 200, body: { licenseKeys: [] } });
    expect(expectGatewayError(result, "UPSTREAM_BAD_RESPONSE").message).toMatch(/no result/);
  });

  it("a success with the wrong shape → UPSTREAM_BAD_RESPONSE naming the field", async () => {
    const { result } = await listingUnder({ kind: "status", status: 200, body: { result: 0, message: null, licenseKeys: [{ id: 1 }] } });
    expect(expectGatewayError(result, "UPSTREAM_BAD_RESPONSE").message).toMatch(/licenseKeys\.0\.key/);
  });

  it("a date that is not a date → UPSTREAM_BAD_RESPONSE", async () => {
    const body = { result: 0, licenseKey: { id: 1, key: "AAAAA", created: "yesterday", block: false } };
    sim.fault({ path: /getkey$/i, kind: "status", status: 200, body });
    expectGatewayError(await rejectionOf(sourceFor(sim).findLicense({ key: "AAAAA" })), "UPSTREAM_BAD_RESPONSE");
  });

  it("a body over maxResponseBytes (64 KiB) → UPSTREAM_BAD_RESPONSE", async () => {
    const { result } = await listingUnder({ kind: "oversized", sizeBytes: 256 * 1024 }, { maxResponseBytes: 64 * 1024 });
    expect(expectGatewayError(result, "UPSTREAM_BAD_RESPONSE").message).toMatch(/larger than/);
  });

  it("a body just under maxResponseBytes is read (then refused only for its shape)", async () => {
    const { result } = await listingUnder({ kind: "oversized", sizeBytes: 60 * 1024 }, { maxResponseBytes: 64 * 1024 });
    expect(expectGatewayError(result, "UPSTREAM_BAD_RESPONSE").message).not.toMatch(/larger than/);
  });

  it("lenient where the doc is: a BasicLicenseKey (no detailed fields, no metadata) still maps", async () => {
    const body = {
      result: 0,
      message: null,
      licenseKeys: [
        {
          productId: sim.data.productId,
          id: 7,
          key: "ABCDE-FGHIJ-KLMNO-PQRST",
          created: "2015-08-27T00:00:00",
          expires: "2099-07-03T00:00:00",
          period: 1,
          f1: true,
          block: false,
          globalId: 12345,
        },
      ],
    };
    const { result } = await listingUnder({ kind: "status", status: 200, body });
    expect(result).toEqual([
      expect.objectContaining({
        externalId: "ABCDE-FGHIJ-KLMNO-PQRST",
        createdAt: new Date("2015-08-27T00:00:00Z"),
        expiresAt: new Date("2099-07-03T00:00:00Z"),
        status: "ACTIVE",
        features: ["f1"],
        maxControllers: null,
        datalinks: null,
      }),
    ]);
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
    await source.licensesOfAccounts([String(ex().customerWithKeysId)]);
    expect(source.health()).toMatchObject({ state: "ok", lastErrorCode: null, errorRate: 0 });

    // Every try fails (a read is retried), then the fault is gone.
    sim.fault({ path: LISTING, kind: "status", status: 500 });
    await source.licensesOfAccounts([String(ex().customerWithKeysId)]);
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_UNAVAILABLE", errorRate: 0.5 });
    sim.clearFaults();

    await source.licensesOfAccounts([String(ex().customerWithKeysId)]);
    expect(source.health()).toMatchObject({ state: "ok", lastErrorCode: "UPSTREAM_UNAVAILABLE" });
  });

  it("domain answers (unknown key, blocked key, limit reached) keep it ok", async () => {
    const source = sourceFor(sim);
    await source.findLicense({ key: "NOSUC-HKEYX-XXXXX-XXXXX" });
    await rejectionOf(source.claim({ key: ex().blockedKey, nodeId: "n" }));
    await rejectionOf(source.claim({ key: ex().keyAtMachineLimit, nodeId: ex().controllerWithoutKeyNodeId }));
    expect(source.health()).toMatchObject({ state: "ok", lastErrorCode: null });
  });

  it("a malformed body leaves it failing with UPSTREAM_BAD_RESPONSE, after a timeout with UPSTREAM_TIMEOUT", async () => {
    const { source } = await listingUnder({ kind: "malformed" });
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_BAD_RESPONSE", lastSuccessAt: null });
    sim.clearFaults();
    const timed = await listingUnder({ kind: "timeout" }, { timeoutMs: 200 });
    expect(timed.source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_TIMEOUT" });
  });

  it("every error is a GatewayError from this source", async () => {
    const { result } = await listingUnder({ kind: "reset" });
    expect(result).toBeInstanceOf(GatewayError);
  });
});

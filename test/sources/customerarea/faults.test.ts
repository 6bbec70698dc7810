import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resilienceSchema } from "../../../src/config/schema.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import { FieldProblemsError } from "../../../src/errors/gateway-error.js";
import {
  startCustomerareaSimulator,
  type CustomerareaFaultRule,
  type CustomerareaSimulator,
} from "../../../src/simulators/customerarea/server.js";
import { API_KEY, NOW, closeSources, closedPortUrl, expectGatewayError, rejectionOf, sourceFor } from "./support.js";

/** Vendor and transport failures, each mapped to its stable code and tagged with the source; and health(). */

let sim: CustomerareaSimulator;

beforeAll(async () => {
  sim = await startCustomerareaSimulator({ now: () => NOW.getTime(), apiKeys: [API_KEY] });
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

const CUSTOMER = "5001";
const LIST = "/customerarea/licenses";

/** One licensesOfAccounts call under `fault` (on the list path unless it names another); returns its slot. */
async function listUnder(fault: CustomerareaFaultRule | null, overrides: Parameters<typeof sourceFor>[1] = {}) {
  const source = sourceFor(sim, overrides);
  if (fault) sim.fault({ path: LIST, ...fault });
  const [result] = await source.licensesOfAccounts([CUSTOMER]);
  return { source, result };
}

describe("authentication", () => {
  const WRONG_KEY = "wrong-key-7f3a9c";

  it("a refused key is UPSTREAM_UNAUTHENTICATED, and the key appears nowhere in the error", async () => {
    const { result } = await listUnder(null, { apiKey: WRONG_KEY });
    const error = expectGatewayError(result, "UPSTREAM_UNAUTHENTICATED");
    expect(error.upstreamStatus).toBe(401);
    const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
    expect(everything).not.toContain(WRONG_KEY);
    expect(sim.inputs.last()).toMatchObject({ apiKey: true });
  });

  it("a refused key on a write is UPSTREAM_UNAUTHENTICATED, not the client's fault", async () => {
    const source = sourceFor(sim, { apiKey: WRONG_KEY });
    expectGatewayError(await rejectionOf(source.catalogue.assignDemo("5003", {})), "UPSTREAM_UNAUTHENTICATED");
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_UNAUTHENTICATED" });
  });

  // Updated for issue 13, item 7: the vendor's message was quoted with only the key scrubbed; now none of it is.
  it("a vendor message echoing the key reaches no error message, the key least of all", async () => {
    sim.fault({ path: LIST, kind: "status", status: 503, body: { code: 503, message: `key ${API_KEY} is over quota` } });
    const error = expectGatewayError((await listUnder(null)).result, "UPSTREAM_UNAVAILABLE");
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).not.toContain("over quota");
    expect(error.message).toMatch(/HTTP 503/);
  });
});

describe("500: a validation failure or a server error", () => {
  it("a 500 without `errors` is UPSTREAM_UNAVAILABLE (a real server error)", async () => {
    const { result } = await listUnder({ kind: "status", status: 500, body: { code: 500, message: "server error" } });
    const error = expectGatewayError(result, "UPSTREAM_UNAVAILABLE");
    expect(error.upstreamStatus).toBe(500);
  });

  it("a 500 with a body that is not JSON is UPSTREAM_UNAVAILABLE", async () => {
    expectGatewayError((await listUnder({ kind: "status", status: 500, body: "<html>Whoops</html>" })).result, "UPSTREAM_UNAVAILABLE");
  });

  it("a 500 with an empty `errors` object is UPSTREAM_UNAVAILABLE", async () => {
    const body = { code: 500, message: "the given data was invalid", errors: {} };
    expectGatewayError((await listUnder({ kind: "status", status: 500, body })).result, "UPSTREAM_UNAVAILABLE");
  });

  // Updated for issue 13, item 7: each problem quoted the vendor's message; it is now the gateway's sentence for
  // the kind of refusal the vendor stated, and the vendor's words are logged.
  it("a 500 with per-field `errors` is BAD_USER_INPUT with one problem per field, in the gateway's words", async () => {
    const body = { code: 500, message: "the given data was invalid", errors: { customer_code: ["The customer code must be a number."] } };
    const error = expectGatewayError((await listUnder({ kind: "status", status: 500, body })).result, "BAD_USER_INPUT");
    expect(error).toBeInstanceOf(FieldProblemsError);
    expect((error as FieldProblemsError).problems).toEqual([
      { field: [], message: "the customer is not of the type Customerarea expects" },
    ]);
  });

  it("a real validation answer (a required field missing) reaches the client as problems, and health stays ok", async () => {
    const source = sourceFor(sim);
    const error = await rejectionOf(source.catalogue.assignOffer("5003", { offerCode: "", info: "HQ" }));
    expectGatewayError(error, "BAD_USER_INPUT");
    expect((error as FieldProblemsError).problems).toEqual([
      { field: ["input", "offerCode"], message: "Customerarea requires the offer code" },
    ]);
    expect(source.health().state).toBe("ok");
  });

  it("a vendor's free text on a field is never passed on: the field and a sentence of the gateway's", async () => {
    const body = {
      code: 500,
      message: "the given data was invalid",
      errors: { license_info: [`see http://10.0.0.5/x for ${API_KEY}`], mystery: ["?"] },
    };
    sim.fault({ path: "/customerarea/licenses/bulk", kind: "status", status: 500, body });
    const error = await rejectionOf(sourceFor(sim).catalogue.assignOffer("5003", { offerCode: "FS-X", info: "HQ" }));
    expect((error as FieldProblemsError).problems).toEqual([
      { field: ["input", "info"], message: "Customerarea refused the licence info" },
      { field: ["input"], message: "Customerarea refused the request" },
    ]);
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toMatch(/10\.0\.0\.5|mystery/);
  });
});

/** A transient answer (5xx, 429 without a long Retry-After) to a read is retried twice (resilience.retries) first. */
const sends = (status: number): number => (status >= 500 || status === 429 ? 3 : 1);

describe("other statuses", () => {
  it.each<[number, ErrorCode]>([
    [503, "UPSTREAM_UNAVAILABLE"],
    [502, "UPSTREAM_UNAVAILABLE"],
    [403, "UPSTREAM_FORBIDDEN"],
    [405, "UPSTREAM_REJECTED"],
    [429, "UPSTREAM_RATE_LIMITED"],
  ])("HTTP %i → %s (after two retries if transient)", async (status, code) => {
    const error = expectGatewayError((await listUnder({ kind: "status", status })).result, code);
    expect(error.upstreamStatus).toBe(status);
    expect(sim.calls.count()).toBe(sends(status));
  });

  // Updated for issue 13, item 7: the message quoted the vendor's words; it names what was asked for instead.
  it("a 404 is NOT_FOUND naming what was asked for, not the vendor's words", async () => {
    const error = expectGatewayError(
      (await listUnder({ kind: "status", status: 404, body: { code: 404, message: "customer not found" } })).result,
      "NOT_FOUND",
    );
    expect(error.message).toMatch(/no such customer or licence \(customer 5001\)/);
    expect(error.message).not.toContain("customer not found");
  });
});

describe("transport failures", () => {
  it("a reset connection → UPSTREAM_UNAVAILABLE", async () => {
    expectGatewayError((await listUnder({ kind: "reset" })).result, "UPSTREAM_UNAVAILABLE");
  });

  it("a vendor that never answers → UPSTREAM_TIMEOUT after timeoutMs (300 ms), well within 1 s (retries off)", async () => {
    const started = Date.now();
    const { result } = await listUnder({ kind: "timeout" }, { timeoutMs: 300, resilience: resilienceSchema.parse({ retries: 0 }) });
    const elapsed = Date.now() - started;
    expectGatewayError(result, "UPSTREAM_TIMEOUT");
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1000);
  });

  it("a timeout on offers rejects with UPSTREAM_TIMEOUT", async () => {
    sim.fault({ path: "/customerarea/licenses/available", kind: "timeout" });
    expectGatewayError(await rejectionOf(sourceFor(sim, { timeoutMs: 300 }).catalogue.offers(CUSTOMER, {})), "UPSTREAM_TIMEOUT");
  });

  it("a closed port (connection refused) → UPSTREAM_UNAVAILABLE, for reads and writes", async () => {
    const source = sourceFor({ url: await closedPortUrl() });
    const [result] = await source.licensesOfAccounts([CUSTOMER]);
    const error = expectGatewayError(result, "UPSTREAM_UNAVAILABLE");
    expect(error.message).toMatch(/ECONNREFUSED/);
    expectGatewayError(await rejectionOf(source.catalogue.renew(CUSTOMER, "1001")), "UPSTREAM_UNAVAILABLE");
  });
});

describe("bad bodies", () => {
  it("malformed JSON → UPSTREAM_BAD_RESPONSE", async () => {
    expectGatewayError((await listUnder({ kind: "malformed" })).result, "UPSTREAM_BAD_RESPONSE");
  });

  it("a body over maxResponseBytes (64 KiB) → UPSTREAM_BAD_RESPONSE", async () => {
    const { result } = await listUnder({ kind: "oversized", sizeBytes: 256 * 1024 }, { maxResponseBytes: 64 * 1024 });
    const error = expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
    expect(error.message).toMatch(/larger than/);
  });

  it("an oversized offers answer → UPSTREAM_BAD_RESPONSE", async () => {
    sim.fault({ path: "/customerarea/licenses/available", kind: "oversized", sizeBytes: 256 * 1024 });
    expectGatewayError(
      await rejectionOf(sourceFor(sim, { maxResponseBytes: 64 * 1024 }).catalogue.offers(CUSTOMER, {})),
      "UPSTREAM_BAD_RESPONSE",
    );
  });

  it.each([
    ["no envelope", [{ license_id: 1 }]],
    ["no content", { code: 200 }],
    ["an error code inside a 200", { code: 500, content: [] }],
    ["a licence without its code", { code: 200, content: [{ license_id: 1, status: "active" }] }],
    ["an unknown status", { code: 200, content: [{ license_id: 1, license_code: "X", status: "suspended" }] }],
    [
      "a date that is no date",
      { code: 200, content: [{ license_id: 1, license_code: "X", status: "active", activation_date: "yesterday" }] },
    ],
  ])("a 200 with %s → UPSTREAM_BAD_RESPONSE, not a crash", async (_, body) => {
    expectGatewayError((await listUnder({ kind: "status", status: 200, body })).result, "UPSTREAM_BAD_RESPONSE");
  });

  it("an offer answer of the wrong shape → UPSTREAM_BAD_RESPONSE", async () => {
    sim.fault({
      path: "/customerarea/licenses/available",
      kind: "status",
      status: 200,
      body: { code: 200, content: [{ license_name: "no code" }] },
    });
    expectGatewayError(await rejectionOf(sourceFor(sim).catalogue.offers(CUSTOMER, {})), "UPSTREAM_BAD_RESPONSE");
  });

  it("a demo answer that is not a licence → UPSTREAM_BAD_RESPONSE", async () => {
    sim.fault({ path: "/customerarea/licenses/demo", kind: "status", status: 200, body: { code: 200, content: { assigned: true } } });
    expectGatewayError(await rejectionOf(sourceFor(sim).catalogue.assignDemo("5003", {})), "UPSTREAM_BAD_RESPONSE");
  });

  it("numbers as strings and a zero date are read", async () => {
    const content = [
      {
        license_id: "77",
        license_code: "X",
        status: "to_be_activated",
        activation_date: "0000-00-00 00:00:00",
        expiration_date: null,
        license_duration_months: "12",
      },
    ];
    const { result } = await listUnder({ kind: "status", status: 200, body: { code: 200, content } });
    expect(result).toMatchObject([{ externalId: "77", key: "77", status: "INACTIVE", activatedAt: null, durationMonths: 12 }]);
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

    await source.licensesOfAccounts([CUSTOMER]);
    expect(source.health()).toMatchObject({ state: "ok", lastErrorCode: null });

    // Every try fails (a read is retried), then the fault is gone.
    sim.fault({ path: LIST, kind: "status", status: 500 });
    await source.licensesOfAccounts([CUSTOMER]);
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_UNAVAILABLE" });
    sim.clearFaults();

    await source.licensesOfAccounts([CUSTOMER]);
    expect(source.health()).toMatchObject({ state: "ok", lastErrorCode: "UPSTREAM_UNAVAILABLE" });
  });

  it("a malformed 200 is a failure, not a success", async () => {
    const { source } = await listUnder({ kind: "malformed" });
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_BAD_RESPONSE", lastSuccessAt: null });
  });

  it("a timeout is a failure", async () => {
    const { source } = await listUnder({ kind: "timeout" }, { timeoutMs: 300 });
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_TIMEOUT" });
  });

  it("a domain answer (an unknown customer) is not a vendor failure", async () => {
    const source = sourceFor(sim);
    await source.licensesOfAccounts(["9999"]);
    expect(source.health().state).toBe("ok");
  });
});

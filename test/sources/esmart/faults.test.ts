import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resilienceSchema } from "../../../src/config/schema.js";
import type { ErrorCode } from "../../../src/errors/codes.js";
import { startEsmartSimulator, type EsmartFaultRule, type EsmartSimulator } from "../../../src/simulators/esmart/server.js";
import {
  DEMO_USER,
  closedPortUrl,
  closeSources,
  customerPath,
  devicesPath,
  expectGatewayError,
  gatewayPath,
  rejectionOf,
  sourceFor,
} from "./support.js";

/** Vendor and transport failures, each mapped to its stable code and tagged with the source; and health(). */

let sim: EsmartSimulator;

beforeAll(async () => {
  sim = await startEsmartSimulator();
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

const customer = () => sim.data.examples.customerInBothAreasId;

/** One profiles call under `fault` on the customer's path; returns its slot. */
async function profileUnder(fault: EsmartFaultRule, overrides: Parameters<typeof sourceFor>[1] = {}) {
  const source = sourceFor(sim, overrides);
  sim.fault({ ...fault, path: customerPath(customer()) });
  const [result] = await source.directory.profiles([customer()]);
  return { source, result };
}

describe("authentication", () => {
  const wrongPassword = "s3cret-Wrong-Passw0rd";

  it("sends HTTP Basic credentials and is let in", async () => {
    const [profile] = await sourceFor(sim).directory.profiles([customer()]);
    expect(profile).toMatchObject({ externalId: customer() });
    expect(sim.calls.list().every((c) => c.authorization)).toBe(true);
  });

  it("a refused password (401) is UPSTREAM_UNAUTHENTICATED, sent once, and the error shows no credential", async () => {
    const source = sourceFor(sim, { password: wrongPassword });
    const [profile] = await source.directory.profiles([customer()]);
    const [hardware] = await source.directory.hardware([sim.data.examples.activeGatewaySerialNumber]);
    const update = await rejectionOf(source.directory.updateContact(customer(), { phoneNumber: "1" }));
    const encoded = Buffer.from(`${DEMO_USER.username}:${wrongPassword}`).toString("base64");
    for (const result of [profile, hardware, update]) {
      const error = expectGatewayError(result, "UPSTREAM_UNAUTHENTICATED");
      expect(error.upstreamStatus).toBe(401);
      const shown = `${error.message} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`;
      expect(shown).not.toContain(wrongPassword);
      expect(shown).not.toContain(encoded);
    }
    expect(sim.calls.list().map((c) => c.status)).toEqual([401, 401, 401]);
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_UNAUTHENTICATED" });
  });

  it("the source itself does not show its credentials when logged or inspected", () => {
    const source = sourceFor(sim, { password: wrongPassword });
    const encoded = Buffer.from(`${DEMO_USER.username}:${wrongPassword}`).toString("base64");
    const shown = `${inspect(source, { depth: 10, showHidden: true })} ${JSON.stringify(source)}`;
    expect(shown).not.toContain(wrongPassword);
    expect(shown).not.toContain(encoded);
  });

  it("a non-ASCII password is sent as UTF-8 (RFC 7617)", async () => {
    const users = [{ username: "jürgen", password: "pässwörd€", customerIds: [sim.data.examples.customerInBothAreasId] }];
    const own = await startEsmartSimulator({ users });
    try {
      const [profile] = await sourceFor(own, { username: "jürgen", password: "pässwörd€" }).directory.profiles([customer()]);
      expect(profile).toMatchObject({ externalId: customer() });
    } finally {
      await own.close();
    }
  });
});

/** A transient answer (5xx, 429 without a long Retry-After) to a read is retried twice (resilience.retries) first. */
const sends = (status: number): number => (status >= 500 || status === 429 ? 3 : 1);

describe("vendor statuses", () => {
  it.each<[number, ErrorCode]>([
    [500, "UPSTREAM_UNAVAILABLE"],
    [502, "UPSTREAM_UNAVAILABLE"],
    [503, "UPSTREAM_UNAVAILABLE"],
    [403, "UPSTREAM_FORBIDDEN"],
    [400, "UPSTREAM_REJECTED"],
    [409, "UPSTREAM_REJECTED"],
    [429, "UPSTREAM_RATE_LIMITED"],
  ])("HTTP %i → %s (after two retries if transient)", async (status, code) => {
    const { result } = await profileUnder({ kind: "status", status });
    expect(expectGatewayError(result, code).upstreamStatus).toBe(status);
    expect(sim.calls.count()).toBe(sends(status));
  });

  // Updated for issue 13, item 7: this asserted the defect (the vendor's Message quoted in the client's error).
  it("the vendor's Message is not in the error: the gateway's own sentence is", async () => {
    const { result } = await profileUnder({ kind: "status", status: 500, body: { Message: "An error has occurred." } });
    const message = expectGatewayError(result, "UPSTREAM_UNAVAILABLE").message;
    expect(message).not.toContain("An error has occurred.");
    expect(message).toMatch(/failed with a server error \(customer: HTTP 500\)/);
  });

  it("a 2xx other than 200 on a read (204) is UPSTREAM_BAD_RESPONSE", async () => {
    const { result } = await profileUnder({ kind: "status", status: 204, body: "" });
    expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
  });

  it("a 500 on the gateway lookup fails its serial with UPSTREAM_UNAVAILABLE and asks for no devices", async () => {
    const source = sourceFor(sim);
    const serial = sim.data.examples.activeGatewaySerialNumber;
    sim.fault({ path: gatewayPath(serial), kind: "status", status: 500 });
    const [result] = await source.directory.hardware([serial]);
    expectGatewayError(result, "UPSTREAM_UNAVAILABLE");
    expect(sim.calls.count({ path: /\/devices$/ })).toBe(0);
  });
});

describe("transport failures", () => {
  it("a reset connection → UPSTREAM_UNAVAILABLE", async () => {
    const { result } = await profileUnder({ kind: "reset" });
    expectGatewayError(result, "UPSTREAM_UNAVAILABLE");
  });

  it("a vendor that never answers → UPSTREAM_TIMEOUT after timeoutMs (300 ms), well within 1 s (retries off)", async () => {
    const started = Date.now();
    const { result } = await profileUnder({ kind: "timeout" }, { timeoutMs: 300, resilience: resilienceSchema.parse({ retries: 0 }) });
    const elapsed = Date.now() - started;
    expectGatewayError(result, "UPSTREAM_TIMEOUT");
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1000);
  });

  it("a devices call that never answers times out that serial only", async () => {
    const source = sourceFor(sim, { timeoutMs: 300 });
    const serial = sim.data.examples.activeGatewaySerialNumber;
    sim.fault({ path: devicesPath(sim.data.examples.activeGatewayExternalId), kind: "timeout" });
    const [slow, other] = await source.directory.hardware([serial, sim.data.examples.inactiveGatewaySerialNumber]);
    expectGatewayError(slow, "UPSTREAM_TIMEOUT");
    expect(other).toMatchObject({ serialNumber: sim.data.examples.inactiveGatewaySerialNumber });
  });

  it("a host on a closed port (connection refused) → UPSTREAM_UNAVAILABLE in every slot and for updates", async () => {
    const source = sourceFor({ url: await closedPortUrl() });
    const results = await source.directory.profiles(["ES-1", "ES-2"]);
    for (const r of results) expectGatewayError(r, "UPSTREAM_UNAVAILABLE");
    const [hardware] = await source.directory.hardware(["SN-1"]);
    expectGatewayError(hardware, "UPSTREAM_UNAVAILABLE");
    expectGatewayError(await rejectionOf(source.directory.updateContact("ES-1", { phoneNumber: "1" })), "UPSTREAM_UNAVAILABLE");
  });
});

describe("bad bodies", () => {
  it("malformed JSON → UPSTREAM_BAD_RESPONSE", async () => {
    const { result } = await profileUnder({ kind: "malformed" });
    expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
  });

  it("a body over maxResponseBytes (64 KiB) → UPSTREAM_BAD_RESPONSE", async () => {
    const { result } = await profileUnder({ kind: "oversized", sizeBytes: 256 * 1024 }, { maxResponseBytes: 64 * 1024 });
    expect(expectGatewayError(result, "UPSTREAM_BAD_RESPONSE").message).toMatch(/larger than/);
  });

  it.each<[string, unknown]>([
    ["a list", []],
    // Updated for issue 13, item 13: "a number for Name" was here; Name only describes, so it is read leniently
    // now (below). An id of the wrong type still fails.
    ["an object for CustomerId", { CustomerId: { id: 5 }, Name: "Someone" }],
    ["none of the known fields (camelCase)", { name: "Someone", email: "x@y.example" }],
    ["an empty object", {}],
  ])("a customer body with %s → UPSTREAM_BAD_RESPONSE, never an empty profile", async (_what, body) => {
    const { result } = await profileUnder({ kind: "status", status: 200, body });
    expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
  });

  it("a customer body with a number for Name or PostalCode answers, with the numbers' text", async () => {
    const { result } = await profileUnder({ kind: "status", status: 200, body: { Name: 5, PostalCode: 8000, City: { nl: "Gent" } } });
    expect(result).toMatchObject({ name: "5", postalCode: "8000", city: null });
  });

  it("a gateway body with none of the known fields → UPSTREAM_BAD_RESPONSE", async () => {
    const source = sourceFor(sim);
    sim.fault({ path: gatewayPath("SN-Y"), kind: "status", status: 200, body: { gatewayId: "g", serialNumber: "SN-Y" } });
    const [result] = await source.directory.hardware(["SN-Y"]);
    expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
  });

  it("a lenient read: unknown fields are ignored, missing ones are null, integer ids become strings", async () => {
    const source = sourceFor(sim);
    const serial = "SN-LENIENT";
    sim.fault({ path: gatewayPath(serial), kind: "status", status: 200, body: { GatewayId: 42, ExternalId: 7, Extra: { a: 1 } } });
    sim.fault({ path: devicesPath("7"), kind: "status", status: 200, body: [{ DeviceId: 9, Type: 3 }] });
    const [hardware] = await source.directory.hardware([serial]);
    expect(hardware).toEqual({
      source: "esmart",
      serialNumber: serial,
      gatewayId: "42",
      externalId: "7",
      name: null,
      active: null,
      lastSeenAt: null,
      firmwareVersion: null,
      devices: [{ deviceId: "9", serialNumber: null, type: "3", name: null, active: null }],
    });
  });

  it("a gateway whose LastSeenUtc is not a date → UPSTREAM_BAD_RESPONSE", async () => {
    const source = sourceFor(sim);
    sim.fault({ path: gatewayPath("SN-X"), kind: "status", status: 200, body: { ExternalId: "x", LastSeenUtc: "yesterday" } });
    const [result] = await source.directory.hardware(["SN-X"]);
    expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
  });

  it("a device without a DeviceId → UPSTREAM_BAD_RESPONSE for that serial", async () => {
    const source = sourceFor(sim);
    sim.fault({ path: devicesPath(sim.data.examples.activeGatewayExternalId), kind: "status", status: 200, body: [{ Name: "nameless" }] });
    const [result] = await source.directory.hardware([sim.data.examples.activeGatewaySerialNumber]);
    expectGatewayError(result, "UPSTREAM_BAD_RESPONSE");
  });
});

describe("health", () => {
  it("unknown before any call, failing after a vendor failure, ok again after a success", async () => {
    const source = sourceFor(sim);
    expect(source.health()).toMatchObject({ state: "unknown", lastErrorCode: null, lastSuccessAt: null });
    // Every try fails (a read is retried), then the fault is gone.
    sim.fault({ path: customerPath(customer()), kind: "status", status: 500 });
    await source.directory.profiles([customer()]);
    expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_UNAVAILABLE" });
    sim.clearFaults();
    await source.directory.profiles([customer()]);
    expect(source.health()).toMatchObject({ state: "ok", lastErrorCode: "UPSTREAM_UNAVAILABLE" });
    expect(source.health().lastSuccessAt).toBeInstanceOf(Date);
  });

  it("validation refused before any call leaves health untouched", async () => {
    const source = sourceFor(sim);
    await rejectionOf(source.directory.updateContact(customer(), { phoneNumber: "x" }));
    expect(source.health().state).toBe("unknown");
  });
});

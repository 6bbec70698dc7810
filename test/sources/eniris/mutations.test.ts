import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEnirisSimulator, type EnirisSimulator } from "../../../src/simulators/eniris/server.js";
import { SOURCE_ID, apiCalls, closeSources, expectGatewayError, rejectionOf, sourceFor } from "./support.js";

/** activate and claim: the two writes, against the simulator's live data. */

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

const apiLog = () =>
  sim.calls
    .list()
    .filter((c) => c.server === "api")
    .map((c) => `${c.method} ${c.path} ${c.status}`);
const rawByKey = (key: string) => sim.data.licenses.find((l) => l.key === key)!;

describe("activate", () => {
  it("activates an inactive license at the given instant and returns it ACTIVE", async () => {
    const source = sourceFor(sim);
    const key = sim.data.examples.inactiveUnclaimedKey;
    const activationIso = new Date("2026-03-01T10:00:00.000Z");
    const license = await source.activate({ key, activationIso });
    expect(license).toMatchObject({ source: SOURCE_ID, externalId: rawByKey(key).id, key, status: "ACTIVE", activatedAt: activationIso });
    expect(license.expiresAt).toEqual(new Date(`${2026 + rawByKey(key).duration / 12}-03-01T10:00:00.000Z`));
    // The vendor now holds that date.
    expect(new Date(rawByKey(key).activationDate!)).toEqual(activationIso);
    expect(apiLog()).toEqual(["POST /v1/license/activate 200"]);
  });

  it("without an instant the vendor activates now", async () => {
    const source = sourceFor(sim);
    const before = Date.now();
    const license = await source.activate({ key: sim.data.examples.inactiveUnclaimedKey });
    expect(license.status).toBe("ACTIVE");
    expect(license.activatedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(license.activatedAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("a second activation is LICENSE_ALREADY_ACTIVATED", async () => {
    const source = sourceFor(sim);
    const key = sim.data.examples.inactiveUnclaimedKey;
    await source.activate({ key });
    const error = expectGatewayError(await rejectionOf(source.activate({ key })), "LICENSE_ALREADY_ACTIVATED");
    expect(error.field).toEqual(["input", "key"]);
    expect(apiLog()).toEqual(["POST /v1/license/activate 200", "POST /v1/license/activate 400"]);
    // A domain answer is not a vendor failure.
    expect(source.health().state).toBe("ok");
  });

  it("an already active demo license is LICENSE_ALREADY_ACTIVATED", async () => {
    const source = sourceFor(sim);
    expectGatewayError(await rejectionOf(source.activate({ key: sim.data.examples.activeUnclaimedKey })), "LICENSE_ALREADY_ACTIVATED");
  });

  it("an unknown key is NOT_FOUND", async () => {
    const source = sourceFor(sim);
    expectGatewayError(await rejectionOf(source.activate({ key: "NO-SUCH-KEY" })), "NOT_FOUND");
    expect(apiLog()).toEqual(["POST /v1/license/activate 404"]);
  });

  // Regression: checkKey threw without `source`, breaking the LicenseSource promise that every error names its source.
  it("key-length error lacked its source: a 51-character key is BAD_USER_INPUT from sofar and nothing is sent", async () => {
    const source = sourceFor(sim);
    const error = expectGatewayError(await rejectionOf(source.activate({ key: "K".repeat(51) })), "BAD_USER_INPUT");
    expect(error.field).toEqual(["input", "key"]);
    expectGatewayError(await rejectionOf(source.activate({ key: "" })), "BAD_USER_INPUT");
    expect(sim.calls.count()).toBe(0);
  });

  it("a 50-character key is sent (the limit is inclusive)", async () => {
    const source = sourceFor(sim);
    expectGatewayError(await rejectionOf(source.activate({ key: "K".repeat(50) })), "NOT_FOUND");
    expect(apiCalls(sim)).toBe(1);
  });
});

describe("claim", () => {
  it("claims an unclaimed license and returns the full license re-read from the controller", async () => {
    const source = sourceFor(sim);
    const key = sim.data.examples.activeUnclaimedKey;
    const nodeId = sim.data.examples.controllerWithoutLicensesNodeId;
    const raw = rawByKey(key);
    const outcome = await source.claim({ key, nodeId });
    expect(outcome).toMatchObject({ licenseExternalId: raw.id, key, nodeId, vendorDatalinkId: null });
    expect(outcome.license).toMatchObject({
      source: SOURCE_ID,
      externalId: raw.id,
      key,
      status: "ACTIVE",
      activatedAt: new Date(raw.activationDate!),
      durationMonths: raw.duration,
    });
    expect(sim.data.datalinks.filter((d) => d.licenseId === raw.id).map((d) => d.nodeId)).toEqual([nodeId]);
    expect(apiLog()).toEqual(["POST /v1/license/claim 200", `GET /v1/license/controller/${nodeId} 200`]);
  });

  it("with the owner's accounts, learns the new datalink's vendor id by re-reading them", async () => {
    const source = sourceFor(sim);
    const key = sim.data.examples.activeUnclaimedKey;
    const nodeId = sim.data.examples.controllerWithoutLicensesNodeId;
    const raw = rawByKey(key);
    const outcome = await source.claim({ key, nodeId, ownerAccounts: [raw.customerId] });
    const created = sim.data.datalinks.filter((d) => d.licenseId === raw.id);
    expect(created).toHaveLength(1);
    expect(outcome.vendorDatalinkId).toBe(created[0]!.id);
    expect(apiLog()).toEqual([
      "POST /v1/license/claim 200",
      `GET /v1/license/controller/${nodeId} 200`,
      `GET /v1/license/customer/${raw.customerId} 200`,
    ]);
  });

  it("an owner account the vendor does not know leaves the datalink id null; the claim still succeeds", async () => {
    const source = sourceFor(sim);
    const key = sim.data.examples.activeUnclaimedKey;
    const outcome = await source.claim({
      key,
      nodeId: sim.data.examples.controllerWithoutLicensesNodeId,
      ownerAccounts: ["00000000-0000-4000-8000-000000000000"],
    });
    expect(outcome).toMatchObject({ licenseExternalId: rawByKey(key).id, vendorDatalinkId: null });
    expect(outcome.license).not.toBeNull();
  });

  it("claiming an already claimed license is LICENSE_ALREADY_CLAIMED", async () => {
    const source = sourceFor(sim);
    const error = await rejectionOf(
      source.claim({ key: sim.data.examples.activeClaimedKey, nodeId: sim.data.examples.controllerWithoutLicensesNodeId }),
    );
    expectGatewayError(error, "LICENSE_ALREADY_CLAIMED");
    expect(apiLog()).toEqual(["POST /v1/license/claim 400"]);
  });

  it("claiming the same license twice: the second is LICENSE_ALREADY_CLAIMED", async () => {
    const source = sourceFor(sim);
    const input = { key: sim.data.examples.inactiveUnclaimedKey, nodeId: sim.data.examples.controllerWithoutLicensesNodeId };
    await source.claim(input);
    expectGatewayError(await rejectionOf(source.claim(input)), "LICENSE_ALREADY_CLAIMED");
  });

  it("an unknown license or an unknown controller is NOT_FOUND", async () => {
    const source = sourceFor(sim);
    const ex = sim.data.examples;
    expectGatewayError(await rejectionOf(source.claim({ key: "NO-SUCH-KEY", nodeId: ex.controllerWithoutLicensesNodeId })), "NOT_FOUND");
    expectGatewayError(await rejectionOf(source.claim({ key: ex.activeUnclaimedKey, nodeId: "no-such-controller" })), "NOT_FOUND");
    expect(apiLog()).toEqual(["POST /v1/license/claim 404", "POST /v1/license/claim 404"]);
    expect(sim.data.datalinks.some((d) => d.licenseId === rawByKey(ex.activeUnclaimedKey).id)).toBe(false);
  });

  it("a claim whose re-read fails still succeeds, with the license reported as null", async () => {
    const source = sourceFor(sim);
    const ex = sim.data.examples;
    sim.fault({
      server: "api",
      method: "GET",
      path: `/v1/license/controller/${ex.controllerWithoutLicensesNodeId}`,
      kind: "status",
      status: 503,
    });
    const outcome = await source.claim({ key: ex.activeUnclaimedKey, nodeId: ex.controllerWithoutLicensesNodeId });
    expect(outcome).toMatchObject({ licenseExternalId: rawByKey(ex.activeUnclaimedKey).id, license: null });
  });

  it("a 51-character key is BAD_USER_INPUT and nothing is sent", async () => {
    const source = sourceFor(sim);
    const error = await rejectionOf(source.claim({ key: "K".repeat(51), nodeId: sim.data.examples.controllerWithoutLicensesNodeId }));
    expectGatewayError(error, "BAD_USER_INPUT");
    expect(sim.calls.count()).toBe(0);
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { License } from "../../../src/domain/model.js";
import type { EnirisDemoLicense } from "../../../src/simulators/eniris/data.js";
import { startEnirisSimulator, type EnirisSimulator } from "../../../src/simulators/eniris/server.js";
import type { BatchResult } from "../../../src/sources/source.js";
import { SOURCE_ID, apiCalls, closeSources, expectGatewayError, sourceFor } from "./support.js";

/** licensesOfAccounts, licensesOfControllers and controllers against the simulator's demo data. */

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

const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";

function rawByKey(key: string): EnirisDemoLicense {
  const raw = sim.data.licenses.find((l) => l.key === key);
  if (raw === undefined) throw new Error(`no demo license ${key}`);
  return raw;
}

function ok<T>(result: T | Error | undefined): T {
  if (result instanceof Error) throw result;
  if (result === undefined) throw new Error("missing batch slot");
  return result;
}

/** Calendar months in UTC, clamped to the target month's last day; written here independently of the adapter. */
function plusMonths(iso: string, months: number): Date {
  const d = new Date(iso);
  const year = d.getUTCFullYear() + Math.floor((d.getUTCMonth() + months) / 12);
  const month = (d.getUTCMonth() + months) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
}

async function allAccountLicenses(): Promise<License[]> {
  const source = sourceFor(sim);
  const results = await source.licensesOfAccounts(sim.data.customers.map((c) => c.id));
  return results.flatMap((r) => ok(r));
}

describe("licensesOfAccounts", () => {
  it("maps every field of a license into the License model", async () => {
    const source = sourceFor(sim);
    const key = sim.data.examples.allKwSetKey;
    const raw = rawByKey(key);
    const [result] = await source.licensesOfAccounts([raw.customerId]);
    const license = ok(result).find((l) => l.key === key);
    expect(license).toBeDefined();
    const dl = sim.data.datalinks.filter((d) => d.licenseId === raw.id);
    expect(dl.length).toBeGreaterThan(0);
    expect(license).toEqual({
      source: SOURCE_ID,
      externalId: raw.id,
      key,
      type: raw.type,
      status: "ACTIVE",
      gridKw: raw.gridKw,
      solarKw: raw.solarKw,
      batteryKw: raw.batteryKw,
      evKw: raw.evKw,
      createdAt: new Date(raw.creationDate),
      activatedAt: new Date(raw.activationDate!),
      expiresAt: plusMonths(raw.activationDate!, raw.duration),
      deactivatedAt: null,
      durationMonths: raw.duration,
      features: null,
      // A claimed Eniris license cannot be claimed again (documented 400), so it runs on one controller.
      maxControllers: 1,
      account: { source: SOURCE_ID, externalId: raw.customerId },
      customerId: null,
      datalinks: dl.map((d) => ({
        id: `${SOURCE_ID}:dl:${d.id}`,
        source: SOURCE_ID,
        licenseExternalId: raw.id,
        vendorId: d.id,
        nodeId: null,
        createdAt: null,
      })),
    });
    for (const k of ["gridKw", "solarKw", "batteryKw", "evKw"] as const) expect(license![k]).not.toBeNull();
  });

  it("asks the vendor for datalinks", async () => {
    const source = sourceFor(sim);
    await source.licensesOfAccounts([sim.data.examples.customerWithLicensesId]);
    const [call] = sim.calls.list().filter((c) => c.server === "api");
    expect(call).toMatchObject({ method: "GET", path: `/v1/license/customer/${sim.data.examples.customerWithLicensesId}` });
    expect(call!.query).toEqual({ includeDatalinks: "true" });
  });

  it("derives the status of each demo state: active, inactive, expired, deactivated", async () => {
    const licenses = await allAccountLicenses();
    const byKey = new Map(licenses.map((l) => [l.key, l]));
    expect(licenses).toHaveLength(sim.data.licenses.length);
    const ex = sim.data.examples;
    expect(byKey.get(ex.activeClaimedKey)?.status).toBe("ACTIVE");
    expect(byKey.get(ex.activeUnclaimedKey)?.status).toBe("ACTIVE");
    expect(byKey.get(ex.inactiveUnclaimedKey)?.status).toBe("INACTIVE");
    expect(byKey.get(ex.expiredKey)?.status).toBe("EXPIRED");
    expect(byKey.get(ex.deactivatedKey)?.status).toBe("DEACTIVATED");

    const inactive = byKey.get(ex.inactiveUnclaimedKey)!;
    expect(inactive).toMatchObject({ activatedAt: null, expiresAt: null, deactivatedAt: null, datalinks: [] });
    expect(inactive.durationMonths).toBe(rawByKey(ex.inactiveUnclaimedKey).duration);

    const expiredRaw = rawByKey(ex.expiredKey);
    expect(byKey.get(ex.expiredKey)).toMatchObject({
      durationMonths: expiredRaw.duration,
      activatedAt: new Date(expiredRaw.activationDate!),
      expiresAt: plusMonths(expiredRaw.activationDate!, expiredRaw.duration),
    });

    const deactivatedRaw = rawByKey(ex.deactivatedKey);
    expect(byKey.get(ex.deactivatedKey)).toMatchObject({
      deactivatedAt: new Date(deactivatedRaw.deactivationDate!),
      expiresAt: plusMonths(deactivatedRaw.activationDate!, deactivatedRaw.duration),
    });

    // Every license's datalinks are exactly the simulator's license_datalink rows, by vendor id.
    for (const license of licenses) {
      const expected = sim.data.datalinks.filter((d) => d.licenseId === license.externalId).map((d) => d.id);
      expect(license.datalinks?.map((d) => d.vendorId)).toEqual(expected);
    }
  });

  it("answers per key: an unknown customer is NOT_FOUND in its slot, its neighbours still have data", async () => {
    const source = sourceFor(sim);
    const ex = sim.data.examples;
    const results = await source.licensesOfAccounts([UNKNOWN_UUID, ex.customerWithLicensesId, ex.customerWithoutLicensesId]);
    expect(results).toHaveLength(3);
    expectGatewayError(results[0], "NOT_FOUND");
    const expectedKeys = sim.data.licenses.filter((l) => l.customerId === ex.customerWithLicensesId).map((l) => l.key);
    expect(ok(results[1]).map((l) => l.key)).toEqual(expectedKeys);
    expect(ok(results[2])).toEqual([]);
    expect(apiCalls(sim)).toBe(3);
  });

  it("a not-found customer does not make the source unhealthy", async () => {
    const source = sourceFor(sim);
    await source.licensesOfAccounts([UNKNOWN_UUID]);
    expect(source.health().state).toBe("ok");
  });

  it("an empty list of accounts answers [] without calling the vendor", async () => {
    const source = sourceFor(sim);
    expect(await source.licensesOfAccounts([])).toEqual([]);
    expect(sim.calls.count()).toBe(0);
  });
});

describe("licensesOfControllers", () => {
  it("lists the licenses linked to a controller, without datalinks or account", async () => {
    const source = sourceFor(sim);
    const nodeId = sim.data.examples.controllerWithLicensesNodeId;
    const [result] = await source.licensesOfControllers([nodeId]);
    const linked = sim.data.datalinks.filter((d) => d.nodeId === nodeId).map((d) => d.licenseId);
    expect(linked.length).toBeGreaterThan(0);
    const licenses = ok(result);
    expect(licenses.map((l) => l.externalId).sort()).toEqual([...linked].sort());
    for (const l of licenses) expect(l).toMatchObject({ source: SOURCE_ID, account: null, datalinks: null });
  });

  it("a controller unknown to the vendor (404) holds none of its licenses: []", async () => {
    const source = sourceFor(sim);
    const ex = sim.data.examples;
    const results = await source.licensesOfControllers(["no-such-controller", ex.controllerWithoutLicensesNodeId]);
    expect(results).toEqual([[], []]);
    expect(
      sim.calls
        .list()
        .filter((c) => c.server === "api")
        .map((c) => c.status),
    ).toEqual([404, 200]);
  });

  it("a failing controller is an Error in its own slot only", async () => {
    const source = sourceFor(sim);
    const ex = sim.data.examples;
    sim.fault({ server: "api", path: `/v1/license/controller/${ex.controllerWithoutLicensesNodeId}`, kind: "status", status: 500 });
    const results: BatchResult<License[]> = await source.licensesOfControllers([
      ex.controllerWithoutLicensesNodeId,
      ex.controllerWithLicensesNodeId,
    ]);
    expectGatewayError(results[0], "UPSTREAM_UNAVAILABLE");
    expect(ok(results[1]).length).toBeGreaterThan(0);
  });
});

describe("controllers", () => {
  it("fetches several controllers with exactly one device query; unknown ones are null", async () => {
    const source = sourceFor(sim);
    const [a, b] = sim.data.controllers;
    const results = await source.controllers([a!.nodeId, "no-such-controller", b!.nodeId]);
    expect(sim.calls.count({ server: "api", method: "POST", path: "/v1/device/query" })).toBe(1);
    expect(apiCalls(sim)).toBe(1);
    expect(results).toEqual([
      { nodeId: a!.nodeId, source: SOURCE_ID, name: a!.name, serialNumber: a!.serialNumber },
      null,
      { nodeId: b!.nodeId, source: SOURCE_ID, name: b!.name, serialNumber: b!.serialNumber },
    ]);
  });

  it("a failed device query puts an Error in every slot", async () => {
    const source = sourceFor(sim);
    sim.fault({ server: "api", path: "/v1/device/query", kind: "status", status: 503 });
    const results = await source.controllers([sim.data.controllers[0]!.nodeId, "x"]);
    expect(results).toHaveLength(2);
    for (const r of results) expectGatewayError(r, "UPSTREAM_UNAVAILABLE");
  });
});

describe("path injection", () => {
  const apiPaths = () =>
    sim.calls
      .list()
      .filter((c) => c.server === "api")
      .map((c) => c.path);

  // Updated for issue 13, item 12: this asserted the defect, a node id with "/" sent as "%2F" inside the vendor
  // path (a server that decodes before routing reads two segments). Such an id is now refused before any call.
  it("a node id with slashes is refused per key with BAD_USER_INPUT on nodeId, and never sent", async () => {
    const source = sourceFor(sim);
    const nodeId = sim.data.examples.controllerWithLicensesNodeId;
    const results = await source.licensesOfControllers(["../customer/x", "a\\b", nodeId]);
    for (const refused of results.slice(0, 2)) {
      const error = expectGatewayError(refused, "BAD_USER_INPUT");
      expect(error.field).toEqual(["nodeId"]);
      expect(error.message).not.toMatch(/\/v1\/|%2F|%5C|customer\/x/);
    }
    expect(ok(results[2]).length).toBeGreaterThan(0);
    expect(apiPaths()).toEqual([`/v1/license/controller/${nodeId}`]);
  });

  it("a node id Eniris could not hold is refused by the device query too, its neighbours still asked for", async () => {
    const source = sourceFor(sim);
    const nodeId = sim.data.examples.controllerWithLicensesNodeId;
    const [refused, found] = await source.controllers(["a/b", nodeId]);
    expectGatewayError(refused, "BAD_USER_INPUT");
    expect(found).toMatchObject({ nodeId });
    expect(apiPaths()).toEqual(["/v1/device/query"]);
  });

  // Updated for issue 13, item 12: a customer id that is not a UUID (the contract's form) reached the vendor as one
  // encoded segment; it is now refused before any call.
  it("a customer id that is not a UUID is refused without a call, so it cannot reach another endpoint or add a query", async () => {
    const source = sourceFor(sim);
    const [result] = await source.licensesOfAccounts([
      `../controller/${sim.data.examples.controllerWithLicensesNodeId}?includeDatalinks=false#`,
    ]);
    expectGatewayError(result, "BAD_USER_INPUT");
    expect(apiCalls(sim)).toBe(0);
  });

  // Regression: encodeURIComponent leaves dots alone and URL parsing resolves dot segments, so ".." went out as
  // GET /v1/license/ (the parent endpoint) and "." as /v1/license/controller/; both came back as "no licenses".
  it("dot-segment node id escaped the controller endpoint: '..' and '.' are refused per key and never sent", async () => {
    const source = sourceFor(sim);
    const nodeId = sim.data.examples.controllerWithLicensesNodeId;
    const results = await source.licensesOfControllers(["..", ".", nodeId]);
    expect(results).toHaveLength(3);
    expectGatewayError(results[0], "BAD_USER_INPUT");
    expectGatewayError(results[1], "BAD_USER_INPUT");
    expect(ok(results[2]).length).toBeGreaterThan(0);
    expect(apiPaths()).toEqual([`/v1/license/controller/${nodeId}`]);
  });

  it("a dot-segment customer id is refused without a call", async () => {
    const source = sourceFor(sim);
    const [result] = await source.licensesOfAccounts([".."]);
    expectGatewayError(result, "BAD_USER_INPUT");
    expect(apiCalls(sim)).toBe(0);
  });
});

import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { License } from "../../../src/domain/model.js";
import { startCryptolensSimulator, type CryptolensSimulator } from "../../../src/simulators/cryptolens/server.js";
import { SOURCE_ID, TOKEN, callLog, closeSources, expectGatewayError, methodCalls, rawKey, sourceFor, utc } from "./support.js";

/** Reads: customer listings, lookups by key and id, and the mapping of every field onto the one License model. */

let sim: CryptolensSimulator;

beforeAll(async () => {
  sim = await startCryptolensSimulator();
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

async function listed(customerId: number): Promise<License[]> {
  const [result] = await sourceFor(sim).licensesOfAccounts([String(customerId)]);
  if (result instanceof Error) throw result;
  return result!;
}

async function listedKey(key: string): Promise<License> {
  const owner = rawKey(sim, key).customerId!;
  const license = (await listed(owner)).find((l) => l.key === key);
  expect(license).toBeDefined();
  return license!;
}

describe("validateAccountId", () => {
  it.each(["1", "101", "2147483647"])("accepts %s", (id) => {
    expect(sourceFor(sim).validateAccountId(id)).toBeNull();
  });

  it.each(["0", "-1", "01", "1.5", "abc", "", " 1", "2147483648", "99999999999"])("refuses %j", (id) => {
    expect(sourceFor(sim).validateAccountId(id)).toMatch(/positive integer/);
  });
});

describe("licensesOfAccounts", () => {
  it("maps every field of a time-limited, running key with machines", async () => {
    const key = ex().activeKeyWithFreeSlot;
    const raw = rawKey(sim, key);
    const license = await listedKey(key);
    expect(license).toEqual({
      source: SOURCE_ID,
      externalId: key,
      key,
      type: null,
      status: "ACTIVE",
      gridKw: null,
      solarKw: null,
      batteryKw: null,
      evKw: null,
      createdAt: utc(raw.created),
      activatedAt: utc(raw.created),
      expiresAt: utc(raw.expires),
      deactivatedAt: null,
      durationMonths: null,
      features: (["f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8"] as const).filter((f) => raw[f]),
      maxControllers: raw.maxNoOfMachines,
      account: { source: SOURCE_ID, externalId: String(raw.customerId) },
      customerId: null,
      datalinks: raw.activatedMachines.map((m) => ({
        id: `${SOURCE_ID}:dl:${key}@${m.mid}`,
        source: SOURCE_ID,
        licenseExternalId: key,
        vendorId: null,
        nodeId: m.mid,
        createdAt: utc(m.time),
      })),
    });
    expect(license.features).toEqual(["f1", "f3", "f4", "f5"]);
    expect(license.datalinks).toHaveLength(2);
  });

  it("reads the vendor's zone-less dates as UTC whatever the process time zone", async () => {
    const previous = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      const raw = rawKey(sim, ex().activeKeyWithFreeSlot);
      const license = await listedKey(raw.key);
      expect(license.createdAt!.toISOString()).toBe(`${raw.created}.000Z`);
      expect(license.expiresAt!.toISOString()).toBe(`${raw.expires}.000Z`);
      expect(license.datalinks![0]!.createdAt!.toISOString()).toBe(`${raw.activatedMachines[0]!.time}.000Z`);
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it("lists a customer's keys in the vendor's order, each under that account", async () => {
    const customerId = ex().customerWithKeysId;
    const licenses = await listed(customerId);
    const expected = sim.data.keys.filter((k) => k.customerId === customerId).map((k) => k.key);
    expect(licenses.map((l) => l.key)).toEqual(expected);
    for (const l of licenses) expect(l.account).toEqual({ source: SOURCE_ID, externalId: String(customerId) });
  });

  it("a blocked key is BLOCKED, with its dates and features still mapped", async () => {
    const raw = rawKey(sim, ex().blockedKey);
    const license = await listedKey(raw.key);
    expect(license).toMatchObject({ status: "BLOCKED", createdAt: utc(raw.created), expiresAt: utc(raw.expires), features: ["f1", "f3"] });
  });

  it("a time-limited key past `expires` is EXPIRED", async () => {
    const raw = rawKey(sim, ex().expiredKey);
    const license = await listedKey(raw.key);
    expect(license).toMatchObject({ status: "EXPIRED", expiresAt: utc(raw.expires), activatedAt: utc(raw.created) });
    // Expired keys keep their machines: the links are still reported.
    expect(license.datalinks!.map((d) => d.nodeId)).toEqual(raw.activatedMachines.map((m) => m.mid));
  });

  it("a key that is not time-limited has no end, although its `expires` is past: ACTIVE", async () => {
    const raw = rawKey(sim, ex().nonTimeLimitedKey);
    expect(utc(raw.expires).getTime()).toBeLessThan(Date.now());
    const license = await listedKey(raw.key);
    expect(license).toMatchObject({ status: "ACTIVE", expiresAt: null, features: ["f3", "f7"] });
  });

  it("maxNoOfMachines 0 (unlimited) → maxControllers null; 1 → 1; 3 → 3", async () => {
    expect((await listedKey(ex().unlimitedMachinesKey)).maxControllers).toBeNull();
    expect((await listedKey(ex().keyAtMachineLimit)).maxControllers).toBe(1);
    expect((await listedKey(ex().activeKeyWithFreeSlot)).maxControllers).toBe(3);
  });

  it("a key without machines has an empty datalink list (not null: the vendor listed them)", async () => {
    expect((await listedKey(ex().activeUnactivatedKey)).datalinks).toEqual([]);
  });

  it("a trial key maps like any other: its features name f2", async () => {
    const license = await listedKey(ex().trialKey);
    expect(license).toMatchObject({ status: "ACTIVE", features: ["f1", "f2", "f6"] });
  });

  it("a customer without keys has none", async () => {
    expect(await listed(ex().customerWithoutKeysId)).toEqual([]);
  });

  it("leaves out keys of other products: this source speaks for its configured product only", async () => {
    const other = {
      ...rawKey(sim, ex().activeKeyWithFreeSlot),
      productId: sim.data.productId + 1,
      id: 999,
      key: "OTHER-PRODU-CTKEY-AAAAA",
      globalId: 999_999,
    };
    sim.data.keys.push(other);
    const licenses = await listed(ex().customerWithKeysId);
    expect(licenses.map((l) => l.key)).not.toContain(other.key);
    expect(licenses).toHaveLength(sim.data.keys.filter((k) => k.customerId === ex().customerWithKeysId).length - 1);
  });

  it("one call per customer, all in parallel; an unknown customer fails its own slot only (NOT_FOUND)", async () => {
    sim.setLatency(150);
    const source = sourceFor(sim);
    const started = Date.now();
    const [a, missing, b] = await source.licensesOfAccounts([
      String(ex().customerWithKeysId),
      "424242",
      String(ex().customerWithoutKeysId),
    ]);
    expect(Date.now() - started).toBeLessThan(400);
    expect(Array.isArray(a) && a.length).toBeGreaterThan(0);
    expectGatewayError(missing, "NOT_FOUND");
    expect((missing as Error).message).toContain("424242");
    expect(b).toEqual([]);
    expect(methodCalls(sim, "customer/GetCustomerLicenses")).toBe(3);
    // An unknown customer is a domain answer: the source is healthy.
    expect(source.health().state).toBe("ok");
  });

  it("an id the vendor could not accept fails its slot with BAD_USER_INPUT and is never sent", async () => {
    const [bad] = await sourceFor(sim).licensesOfAccounts(["x1"]);
    expectGatewayError(bad, "BAD_USER_INPUT");
    expect(sim.calls.count()).toBe(0);
  });

  it("sends POST, form-encoded, with CustomerId, Detailed and Metadata, and the token only in the body", async () => {
    await listed(ex().customerWithKeysId);
    const [call] = sim.calls.list();
    expect(call).toMatchObject({ method: "POST", path: "/api/customer/GetCustomerLicenses", status: 200, query: {}, authorization: false });
  });
});

describe("findLicense", () => {
  it("by key: one key/GetKey, mapped like the listing (time-limited known through Metadata)", async () => {
    const source = sourceFor(sim);
    for (const key of [ex().activeKeyWithFreeSlot, ex().nonTimeLimitedKey, ex().expiredKey]) {
      expect(await source.findLicense({ key })).toEqual(await listedKey(key));
    }
    expect(methodCalls(sim, "key/GetKey")).toBe(3);
  });

  it("by externalId (which is the key): the same lookup, no scan of accounts", async () => {
    const key = ex().activeKeyWithFreeSlot;
    const license = await sourceFor(sim).findLicense({ externalId: key });
    expect(license).toMatchObject({ externalId: key, key, status: "ACTIVE" });
    expect(callLog(sim)).toEqual(["POST /api/key/GetKey 200"]);
  });

  it("an unknown key is null (not found), and the source stays healthy", async () => {
    const source = sourceFor(sim);
    expect(await source.findLicense({ key: "NOSUC-HKEYX-XXXXX-XXXXX" })).toBeNull();
    expect(await source.findLicense({ externalId: "NOSUC-HKEYX-XXXXX-XXXXX" })).toBeNull();
    expect(source.health().state).toBe("ok");
  });

  it("keys compare exactly: a lower-cased key is not found", async () => {
    expect(await sourceFor(sim).findLicense({ key: ex().activeKeyWithFreeSlot.toLowerCase() })).toBeNull();
  });

  it("an empty key is null without a call", async () => {
    expect(await sourceFor(sim).findLicense({ key: "" })).toBeNull();
    expect(sim.calls.count()).toBe(0);
  });

  it("a blocked key, which GetKey refuses to show, is a BLOCKED license with nothing else known", async () => {
    const key = ex().blockedKey;
    const license = await sourceFor(sim).findLicense({ key });
    expect(license).toMatchObject({
      source: SOURCE_ID,
      externalId: key,
      key,
      status: "BLOCKED",
      createdAt: null,
      expiresAt: null,
      datalinks: null,
    });
  });

  it("a key read alone names its customer as the account; an unassigned key has none", async () => {
    const source = sourceFor(sim);
    const owned = rawKey(sim, ex().activeKeyWithFreeSlot);
    expect((await source.findLicense({ key: owned.key }))!.account).toEqual({ source: SOURCE_ID, externalId: String(owned.customerId) });
    expect((await source.findLicense({ key: ex().unassignedKey }))!.account).toBeNull();
  });
});

describe("the access token", () => {
  it("is not in the simulator's URL log, nor in an inspected source", async () => {
    const source = sourceFor(sim);
    await source.findLicense({ key: ex().activeKeyWithFreeSlot });
    expect(JSON.stringify(sim.calls.list())).not.toContain(TOKEN);
    expect(inspect(source, { depth: 5 })).not.toContain(TOKEN);
  });
});

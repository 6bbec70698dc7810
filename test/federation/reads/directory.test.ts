import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ControllerHardware, CustomerProfile } from "../../../src/sources/source.js";
import type { Store } from "../../../src/store/store.js";
import { memorySource } from "../../support/memory-source.js";
import { ADMIN, oneRequest, openMemoryStore, partnerOf } from "./harness.js";

/** Profiles and hardware from directory sources, eSmart-like (src/federation/reads/directory.ts). */

let store: Store;

beforeEach(async () => {
  ({ store } = await openMemoryStore());
  await store.customers.upsert({
    id: "cust-ann",
    name: "Ann",
    accounts: [
      { source: "alpha", externalId: "acc-ann" },
      { source: "dir-1", externalId: "d1-ann" },
      { source: "dir-2", externalId: "d2-ann" },
    ],
  });
  await store.customers.upsert({ id: "cust-bob", name: "Bob", accounts: [{ source: "dir-1", externalId: "d1-bob" }] });
});

afterEach(async () => {
  await store.close();
});

const profile = (source: string, externalId: string): CustomerProfile => ({
  source,
  externalId,
  name: externalId,
  email: null,
  phoneNumber: null,
  mobileNumber: null,
  address: null,
  postalCode: null,
  city: null,
});
const hardware = (source: string, serialNumber: string): ControllerHardware => ({
  source,
  serialNumber,
  gatewayId: null,
  externalId: null,
  name: null,
  active: true,
  lastSeenAt: null,
  firmwareVersion: null,
  devices: [],
});

describe("a customer's profile", () => {
  it("is the first directory's that knows its account; sources that are not directories are not asked", async () => {
    const one = memorySource("dir-1", { profiles: {} });
    const two = memorySource("dir-2", { profiles: { "d2-ann": profile("dir-2", "d2-ann") } });
    const alpha = memorySource("alpha", { accounts: {} });
    const { reads, report } = oneRequest(store, ADMIN, [alpha, one, two]);
    expect(await reads.customerProfile("cust-ann", report)).toMatchObject({ source: "dir-2", externalId: "d2-ann" });
    expect(one.callsTo("profiles")).toEqual([["d1-ann"]]);
    expect(alpha.calls).toEqual([]);
  });

  it("of two customers asked together is one call per directory", async () => {
    const one = memorySource("dir-1", { profiles: { "d1-ann": profile("dir-1", "d1-ann"), "d1-bob": profile("dir-1", "d1-bob") } });
    const { reads, report } = oneRequest(store, ADMIN, [one]);
    await Promise.all([reads.customerProfile("cust-ann", report), reads.customerProfile("cust-bob", report)]);
    expect(one.callsTo("profiles")).toEqual([["d1-ann", "d1-bob"]]);
  });

  it("skips a failing directory, reporting it", async () => {
    const one = memorySource("dir-1", { profiles: {} });
    const two = memorySource("dir-2", { profiles: { "d2-ann": profile("dir-2", "d2-ann") } });
    one.failure = new Error("dir-1 is down");
    const { reads, report, errors } = oneRequest(store, ADMIN, [one, two]);
    expect(await reads.customerProfile("cust-ann", report)).toMatchObject({ source: "dir-2" });
    expect(errors).toEqual([one.failure]);
  });

  it("is null for a customer the principal does not see, and no directory is asked", async () => {
    const one = memorySource("dir-1", { profiles: { "d1-ann": profile("dir-1", "d1-ann") } });
    const { reads, report } = oneRequest(store, partnerOf("cust-bob"), [one]);
    expect(await reads.customerProfile("cust-ann", report)).toBeNull();
    expect(one.calls).toEqual([]);
  });
});

describe("a controller's hardware", () => {
  it("is the first directory's that knows the serial number, asked once per serial", async () => {
    const one = memorySource("dir-1", { hardware: {} });
    const two = memorySource("dir-2", { hardware: { "SN-1": hardware("dir-2", "SN-1") } });
    const { reads, report } = oneRequest(store, ADMIN, [one, two]);
    const [found] = await Promise.all([reads.controllerHardware("SN-1", report), reads.controllerHardware("SN-1", report)]);
    expect(found).toMatchObject({ source: "dir-2", serialNumber: "SN-1" });
    expect(one.callsTo("hardware")).toEqual([["SN-1"]]);
    expect(two.callsTo("hardware")).toEqual([["SN-1"]]);
  });

  it("is null without a serial number, and nobody is asked", async () => {
    const one = memorySource("dir-1", { hardware: {} });
    const { reads, report } = oneRequest(store, ADMIN, [one]);
    expect(await reads.controllerHardware(null, report)).toBeNull();
    expect(one.calls).toEqual([]);
  });

  it("skips a failing directory, reporting it", async () => {
    const one = memorySource("dir-1", { hardware: {} });
    one.failure = new Error("dir-1 is down");
    const { reads, report, errors } = oneRequest(store, ADMIN, [one]);
    expect(await reads.controllerHardware("SN-1", report)).toBeNull();
    expect(errors).toEqual([one.failure]);
  });
});

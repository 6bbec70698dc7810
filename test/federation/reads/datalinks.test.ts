import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Datalink } from "../../../src/domain/model.js";
import type { Store } from "../../../src/store/store.js";
import { licenseAt, memorySource } from "../../support/memory-source.js";
import { ADMIN, oneRequest, openMemoryStore } from "./harness.js";

/** A license's links to controllers: the vendor's list completed by the gateway's claims (src/federation/reads/datalinks.ts). */

let store: Store;

beforeEach(async () => {
  ({ store } = await openMemoryStore());
  await store.customers.upsert({ id: "cust-ann", name: "Ann", accounts: [{ source: "alpha", externalId: "acc-ann" }] });
});

afterEach(async () => {
  await store.close();
});

const link = (licenseExternalId: string, vendorId: string | null, nodeId: string | null, createdAt: Date | null = null): Datalink => ({
  id: `alpha:dl:${vendorId ?? `${licenseExternalId}@${nodeId}`}`,
  source: "alpha",
  licenseExternalId,
  vendorId,
  nodeId,
  createdAt,
});
const claim = (licenseExternalId: string, nodeId: string, vendorDatalinkId: string | null = null) =>
  store.claims.record({
    source: "alpha",
    licenseExternalId,
    licenseKey: `KEY-${licenseExternalId}`,
    nodeId,
    vendorDatalinkId,
    exclusive: false,
  });
const nodes = (links: Datalink[]) => links.map((d) => d.nodeId);

describe("the vendor's links", () => {
  it("take the claim's time when the vendor gives none, and the gateway's other claims are added", async () => {
    const claimed = await claim("L1", "node-1", "v1");
    await claim("L1", "node-9");
    const license = licenseAt("alpha", "L1", {
      datalinks: [link("L1", "v1", "node-1"), link("L1", "v2", "node-2", new Date("2025-01-01T00:00:00Z"))],
    });
    const { reads, report } = oneRequest(store, ADMIN, []);
    const links = await reads.licenseDatalinks(license, report);
    expect(nodes(links)).toEqual(["node-1", "node-2", "node-9"]);
    expect(links[0]!.createdAt).toEqual(claimed.createdAt);
    expect(links[1]!.createdAt).toEqual(new Date("2025-01-01T00:00:00Z"));
  });

  it("are read again from the account that listed the license when this read did not include them", async () => {
    const source = memorySource("alpha", {
      accounts: { "acc-ann": [licenseAt("alpha", "L1", { datalinks: [link("L1", "v1", "node-1")] })] },
    });
    const { reads, report } = oneRequest(store, ADMIN, [source]);
    const license = licenseAt("alpha", "L1", { account: { source: "alpha", externalId: "acc-ann" } });
    expect(nodes(await reads.licenseDatalinks(license, report))).toEqual(["node-1"]);
    await reads.licenseDatalinks(license, report);
    expect(source.callsTo("licensesOfAccounts")).toEqual([["acc-ann"]]);
  });

  it("when that account cannot be read, are the claims alone, and the failure is reported", async () => {
    await claim("L1", "node-1");
    const source = memorySource("alpha", { accounts: { "acc-ann": new Error("acc-ann is unreadable") } });
    const { reads, report, errors } = oneRequest(store, ADMIN, [source]);
    const license = licenseAt("alpha", "L1", { account: { source: "alpha", externalId: "acc-ann" } });
    expect(nodes(await reads.licenseDatalinks(license, report))).toEqual(["node-1"]);
    expect(errors.map((e) => e.message)).toEqual(["acc-ann is unreadable"]);
  });
});

describe("a license read through a controller, with no vendor list of links", () => {
  it("has its claims and a link to that controller, named by the gateway", async () => {
    await claim("L1", "node-1");
    const { reads, report } = oneRequest(store, ADMIN, []);
    const links = await reads.licenseDatalinks(licenseAt("alpha", "L1", { viaNodeId: "node-2" }), report);
    expect(links.map((d) => d.id)).toEqual([expect.any(String), "alpha:dl:L1@node-2"]);
    expect(nodes(links)).toEqual(["node-1", "node-2"]);
    expect(nodes(await reads.licenseDatalinks(licenseAt("alpha", "L1", { viaNodeId: "node-1" }), report))).toEqual(["node-1"]);
  });
});

describe("a vendor link that does not name its controller", () => {
  it("is the claim recorded with the vendor's id for it", async () => {
    await claim("L1", "node-1", "v-other");
    await claim("L1", "node-2", "v2");
    const { reads, report } = oneRequest(store, ADMIN, []);
    const license = licenseAt("alpha", "L1", { datalinks: [link("L1", "v2", null), link("L1", "v-other", null)] });
    expect(nodes(await reads.licenseDatalinks(license, report))).toEqual(["node-2", "node-1"]);
  });

  it("is the one claim, when the vendor lists one link and the gateway made one claim", async () => {
    await claim("L1", "node-1");
    const { reads, report } = oneRequest(store, ADMIN, []);
    expect(nodes(await reads.licenseDatalinks(licenseAt("alpha", "L1", { datalinks: [link("L1", "v1", null)] }), report))).toEqual([
      "node-1",
    ]);
  });

  it("is the one controller of the license's customer that lists the license, else stays unknown with no claim added", async () => {
    await store.controllers.upsert({ nodeId: "node-a", customerId: "cust-ann" });
    await store.controllers.upsert({ nodeId: "node-b", customerId: "cust-ann" });
    const source = memorySource("alpha", { nodes: { "node-a": [], "node-b": [licenseAt("alpha", "L1")] } });
    const { reads, report } = oneRequest(store, ADMIN, [source]);
    const license = licenseAt("alpha", "L1", { account: { source: "alpha", externalId: "acc-ann" }, datalinks: [link("L1", "v1", null)] });
    expect(nodes(await reads.licenseDatalinks(license, report))).toEqual(["node-b"]);
    expect(source.callsTo("licensesOfControllers")).toEqual([["node-a", "node-b"]]);

    // Two links: nothing to pick between, so both stay unknown, and no claim is added beside them.
    await claim("L2", "node-a");
    await claim("L2", "node-b");
    const two = licenseAt("alpha", "L2", {
      account: { source: "alpha", externalId: "acc-ann" },
      datalinks: [link("L2", "v1", null), link("L2", "v2", null)],
    });
    expect(nodes(await reads.licenseDatalinks(two, report))).toEqual([null, null]);
  });
});

describe("forgetting a license's claims", () => {
  it("makes the next read of its links see a claim recorded since", async () => {
    const { reads, report } = oneRequest(store, ADMIN, []);
    const license = licenseAt("alpha", "L1", { datalinks: [] });
    expect(await reads.licenseDatalinks(license, report)).toEqual([]);
    await claim("L1", "node-1");
    expect(await reads.licenseDatalinks(license, report)).toEqual([]);
    reads.forgetClaims("alpha", "L1");
    expect(nodes(await reads.licenseDatalinks(license, report))).toEqual(["node-1"]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_SOURCE_ID } from "../../../src/domain/model.js";
import type { Store } from "../../../src/store/store.js";
import { licenseAt, memorySource } from "../../support/memory-source.js";
import { ADMIN, oneRequest, openMemoryStore, partnerOf } from "./harness.js";

/** A customer's and a controller's licenses (src/federation/reads/license-lists.ts), merged across sources. */

let store: Store;

beforeEach(async () => {
  ({ store } = await openMemoryStore());
  await store.customers.upsert({
    id: "cust-ann",
    name: "Ann",
    accounts: [
      { source: "alpha", externalId: "acc-ann" },
      { source: "alpha", externalId: "acc-ann-2" },
      { source: "beta", externalId: "b-ann" },
      { source: "dir", externalId: "d-ann" },
    ],
  });
  await store.customers.upsert({ id: "cust-bob", name: "Bob", accounts: [{ source: "alpha", externalId: "acc-bob" }] });
});

afterEach(async () => {
  await store.close();
});

const shared = licenseAt("alpha", "L-shared");
const alpha = () =>
  memorySource("alpha", {
    accounts: {
      "acc-ann": [licenseAt("alpha", "L-ann"), shared],
      "acc-ann-2": [shared, licenseAt("alpha", "L-old", { status: "EXPIRED" })],
      "acc-bob": [licenseAt("alpha", "L-bob")],
    },
  });
const beta = () => memorySource("beta", { accounts: { "b-ann": [licenseAt("beta", "B-ann")] } });
const local = () =>
  memorySource(LOCAL_SOURCE_ID, { accounts: { "cust-ann": [licenseAt(LOCAL_SOURCE_ID, "local-1", { customerId: "cust-ann" })] } });
/** A directory (eSmart-like): it holds no licenses and must not be asked for any. */
const directory = () => memorySource("dir", { profiles: {} });
const ids = (list: { source: string; externalId: string }[]) => list.map((l) => `${l.source}:${l.externalId}`);

describe("a customer's licenses", () => {
  it("come from each of its accounts and the local store, one entry per license, each account read once", async () => {
    const [a, b, l, d] = [alpha(), beta(), local(), directory()];
    const { reads, report, errors } = oneRequest(store, ADMIN, [a, b, d, l]);
    expect(ids(await reads.customerLicenses("cust-ann", {}, report))).toEqual([
      "alpha:L-ann",
      "alpha:L-shared",
      "alpha:L-old",
      "beta:B-ann",
      "local:local-1",
    ]);
    expect(a.callsTo("licensesOfAccounts")).toEqual([["acc-ann", "acc-ann-2"]]);
    expect(b.callsTo("licensesOfAccounts")).toEqual([["b-ann"]]);
    expect(l.callsTo("licensesOfAccounts")).toEqual([["cust-ann"]]);
    expect(d.calls).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("of two customers read in one request share one call per source, and a repeat costs nothing", async () => {
    const a = alpha();
    const { reads, report } = oneRequest(store, ADMIN, [a]);
    await Promise.all([reads.customerLicenses("cust-ann", {}, report), reads.customerLicenses("cust-bob", {}, report)]);
    await reads.customerLicenses("cust-ann", {}, report);
    expect(a.callsTo("licensesOfAccounts")).toEqual([["acc-ann", "acc-ann-2", "acc-bob"]]);
  });

  it("filter by source and status; an unknown source is BAD_USER_INPUT on source", async () => {
    const [a, b] = [alpha(), beta()];
    const { reads, report } = oneRequest(store, ADMIN, [a, b, local()]);
    expect(ids(await reads.customerLicenses("cust-ann", { source: "beta" }, report))).toEqual(["beta:B-ann"]);
    expect(a.calls).toEqual([]);
    expect(ids(await reads.customerLicenses("cust-ann", { status: "EXPIRED" }, report))).toEqual(["alpha:L-old"]);
    await expect(reads.customerLicenses("cust-ann", { source: "gamma" }, report)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      field: ["source"],
    });
  });

  it("a source that fails costs only its own licenses, and its error is reported", async () => {
    const [a, b] = [alpha(), beta()];
    const down = new Error("alpha is down");
    a.failure = down;
    const { reads, report, errors } = oneRequest(store, ADMIN, [a, b]);
    expect(ids(await reads.customerLicenses("cust-ann", {}, report))).toEqual(["beta:B-ann"]);
    // One error per account the source could not list.
    expect(errors).toEqual([down, down]);
  });

  it("of a customer the principal does not see are none, and no source is asked", async () => {
    const a = alpha();
    const { reads, report } = oneRequest(store, partnerOf("cust-bob"), [a]);
    expect(await reads.customerLicenses("cust-ann", {}, report)).toEqual([]);
    expect(a.calls).toEqual([]);
  });
});

describe("a controller's licenses", () => {
  const onNode = licenseAt("nodal", "N-1", { account: { source: "nodal", externalId: "n-ann" } });
  /** Lists licenses by controller (Eniris-like). */
  const nodal = () => memorySource("nodal", { nodes: { "node-1": [onNode], "node-2": [] } });

  it("are asked by node at a source that lists them so, each marked as read through that node", async () => {
    const n = nodal();
    const { reads, report } = oneRequest(store, ADMIN, [n, directory()]);
    expect(await reads.controllerLicenses("node-1", report)).toEqual([{ ...onNode, viaNodeId: "node-1" }]);
    expect(n.callsTo("licensesOfControllers")).toEqual([["node-1"]]);
  });

  it("of two nodes read in one request share one call per source", async () => {
    const n = nodal();
    const { reads, report } = oneRequest(store, ADMIN, [n]);
    await Promise.all([
      reads.controllerLicenses("node-1", report),
      reads.controllerLicenses("node-2", report),
      reads.controllerLicenses("node-1", report),
    ]);
    expect(n.callsTo("licensesOfControllers")).toEqual([["node-1", "node-2"]]);
  });

  it("at a source without a list by node: the claims recorded for it and its owner's licenses that link it", async () => {
    await store.controllers.upsert({ nodeId: "node-1", customerId: "cust-ann" });
    // A claim that names the account it was found under, and one by key only (the source can look keys up).
    await store.claims.record({
      source: "alpha",
      licenseExternalId: "L-bob",
      licenseKey: "KEY-L-bob",
      nodeId: "node-1",
      licenseAccount: "acc-bob",
    });
    await store.claims.record({ source: "keyed", licenseExternalId: "K-9", licenseKey: "KEY-K-9", nodeId: "node-1" });
    const linked = licenseAt("alpha", "L-linked", {
      datalinks: [{ id: "alpha:dl:x", source: "alpha", licenseExternalId: "L-linked", vendorId: "x", nodeId: "node-1", createdAt: null }],
    });
    const a = memorySource("alpha", {
      accounts: { "acc-ann": [licenseAt("alpha", "L-ann"), linked], "acc-ann-2": [], "acc-bob": [licenseAt("alpha", "L-bob")] },
    });
    const keyed = memorySource("keyed", { accounts: { "k-acc": [licenseAt("keyed", "K-9", { key: "KEY-K-9" })] }, lookup: true });
    const { reads, report } = oneRequest(store, ADMIN, [a, keyed]);
    expect(ids(await reads.controllerLicenses("node-1", report))).toEqual(["alpha:L-bob", "alpha:L-linked", "keyed:K-9"]);
    // The claims' accounts first, then the owner's: each account once.
    expect(a.callsTo("licensesOfAccounts")).toEqual([["acc-bob"], ["acc-ann", "acc-ann-2"]]);
    expect(keyed.callsTo("findLicense")).toEqual([["KEY-K-9"]]);
  });

  it("filter by source and status", async () => {
    const n = nodal();
    const { reads, report } = oneRequest(store, ADMIN, [n, beta()]);
    expect(await reads.controllerLicenses("node-1", report, { source: "beta" })).toEqual([]);
    expect(n.calls).toEqual([]);
    expect(await reads.controllerLicenses("node-1", report, { status: "EXPIRED" })).toEqual([]);
    await expect(reads.controllerLicenses("node-1", report, { source: "gamma" })).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      field: ["source"],
    });
  });

  it("show a partner only the licenses of customers it sees", async () => {
    const mine = licenseAt("nodal", "N-ann", { customerId: "cust-ann" });
    const theirs = licenseAt("nodal", "N-bob", { customerId: "cust-bob" });
    const n = memorySource("nodal", { nodes: { "node-1": [mine, theirs] } });
    const { reads, report } = oneRequest(store, partnerOf("cust-ann"), [n]);
    expect(ids(await reads.controllerLicenses("node-1", report))).toEqual(["nodal:N-ann"]);
  });

  it("a source that fails costs only its own licenses, and its error is reported", async () => {
    const [n, other] = [nodal(), memorySource("other", { nodes: { "node-1": [licenseAt("other", "O-1")] } })];
    n.failure = new Error("nodal is down");
    const { reads, report, errors } = oneRequest(store, ADMIN, [n, other]);
    expect(ids(await reads.controllerLicenses("node-1", report))).toEqual(["other:O-1"]);
    expect(errors).toEqual([n.failure]);
  });
});

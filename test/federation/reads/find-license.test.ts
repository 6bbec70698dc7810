import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LicenseLocator } from "../../../src/cache/license-locator.js";
import { tag } from "../../../src/domain/data-tags.js";
import type { Store } from "../../../src/store/store.js";
import { licenseAt, memorySource, type MemorySource, type MemorySourceData } from "../../support/memory-source.js";
import { ADMIN, oneRequest, openMemoryStore, partnerOf } from "./harness.js";

/**
 * `license(id)` and `licenseByKey` (src/federation/reads/find-license.ts): a vendor with a lookup is asked
 * directly; one without is searched by three fallbacks in turn: the hinted account, the mapped accounts, and
 * (admin only) the controllers the gateway claimed for.
 */

let store: Store;
let queries: string[];

beforeEach(async () => {
  ({ store, queries } = await openMemoryStore());
  await store.customers.upsert({ id: "cust-ann", name: "Ann", accounts: [{ source: "alpha", externalId: "acc-ann" }] });
  await store.customers.upsert({ id: "cust-bob", name: "Bob", accounts: [{ source: "alpha", externalId: "acc-bob" }] });
  queries.length = 0;
});

afterEach(async () => {
  await store.close();
});

/** Eniris-like: licenses listed by account and by controller, no lookup by id. */
function alpha(data: Pick<MemorySourceData, "accounts" | "nodes"> = {}): MemorySource {
  return memorySource("alpha", {
    accounts: {
      "acc-ann": [licenseAt("alpha", "L-ann", { account: { source: "alpha", externalId: "acc-ann" } })],
      "acc-bob": [licenseAt("alpha", "L-bob", { account: { source: "alpha", externalId: "acc-bob" } })],
      ...data.accounts,
    },
    nodes: data.nodes ?? {},
  });
}

describe("a source with its own lookup (Cryptolens-like)", () => {
  const keys = () =>
    memorySource("keys", {
      accounts: { "acc-ann": [licenseAt("keys", "K1", { key: "AAAA-1", account: { source: "keys", externalId: "acc-ann" } })] },
      lookup: true,
    });

  it("is asked once, by id or by key, and the response cache learns the match and the license", async () => {
    const source = keys();
    const { reads, report, tracker } = oneRequest(store, ADMIN, [source]);
    expect(await reads.license("keys:K1", report)).toMatchObject({ externalId: "K1" });
    expect(await reads.licenseByKey("keys", "AAAA-1", report)).toMatchObject({ externalId: "K1" });
    expect(source.callsTo("findLicense")).toEqual([["K1"], ["AAAA-1"]]);
    expect(source.callsTo("licensesOfAccounts")).toEqual([]);
    expect([...tracker.tags]).toEqual(expect.arrayContaining([tag.license("keys", "K1"), tag.licenseKey("keys", "AAAA-1")]));
  });

  it("answering none is the answer: no account is searched after it", async () => {
    const source = keys();
    const { reads, report } = oneRequest(store, ADMIN, [source]);
    expect(await reads.license("keys:nope", report)).toBeNull();
    expect(source.callsTo("findLicense")).toEqual([["nope"]]);
    expect(source.callsTo("licensesOfAccounts")).toEqual([]);
    expect(queries).toEqual([]);
  });

  it("finds for a partner only the licenses of customers it sees", async () => {
    const { reads, report } = oneRequest(store, partnerOf("cust-bob"), [keys()]);
    expect(await reads.license("keys:K1", report)).toBeNull();
  });
});

describe("ids and sources named by the client", () => {
  it("an id without '<source>:' is BAD_USER_INPUT on id; an unknown source in an id is simply no license", async () => {
    const { reads, report } = oneRequest(store, ADMIN, [alpha()]);
    await expect(reads.license("L-ann", report)).rejects.toMatchObject({ code: "BAD_USER_INPUT", field: ["id"] });
    expect(await reads.license("nowhere:L-ann", report)).toBeNull();
  });

  it("an unknown source for a key is BAD_USER_INPUT on source, naming the known ones", async () => {
    const { reads, report } = oneRequest(store, ADMIN, [alpha()]);
    await expect(reads.licenseByKey("nowhere", "KEY-L-ann", report)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      field: ["source"],
      message: expect.stringContaining("alpha"),
    });
  });
});

describe("fallback 1: the account that listed the license before", () => {
  it("reads only that account when the locator knows it", async () => {
    const source = alpha();
    const locator = new LicenseLocator();
    locator.remember("alpha", "L-bob", "acc-bob");
    const { reads, report } = oneRequest(store, ADMIN, [source], locator);
    expect(await reads.license("alpha:L-bob", report)).toMatchObject({ externalId: "L-bob" });
    expect(source.callsTo("licensesOfAccounts")).toEqual([["acc-bob"]]);
  });

  it("a wrong hint costs one read, then the mapped accounts are searched", async () => {
    const source = alpha();
    const locator = new LicenseLocator();
    locator.remember("alpha", "L-bob", "acc-ann");
    const { reads, report } = oneRequest(store, ADMIN, [source], locator);
    expect(await reads.license("alpha:L-bob", report)).toMatchObject({ externalId: "L-bob" });
    // acc-ann once (the hint; the loader keeps it for the search), then acc-bob.
    expect(source.callsTo("licensesOfAccounts")).toEqual([["acc-ann"], ["acc-bob"]]);
  });

  it("a hinted account of a customer the principal does not see is not read", async () => {
    const source = alpha();
    const locator = new LicenseLocator();
    locator.remember("alpha", "L-bob", "acc-bob");
    const { reads, report } = oneRequest(store, partnerOf("cust-ann"), [source], locator);
    expect(await reads.license("alpha:L-bob", report)).toBeNull();
    expect(source.callsTo("licensesOfAccounts")).toEqual([["acc-ann"]]);
  });

  it("is not used for a lookup by key: the locator knows licenses by id", async () => {
    const source = alpha();
    const locator = new LicenseLocator();
    locator.remember("alpha", "L-bob", "acc-bob");
    const { reads, report } = oneRequest(store, ADMIN, [source], locator);
    expect(await reads.licenseByKey("alpha", "KEY-L-bob", report)).toMatchObject({ externalId: "L-bob" });
    expect(source.callsTo("licensesOfAccounts")).toEqual([["acc-ann", "acc-bob"]]);
  });
});

describe("fallback 2: every account mapped to the source", () => {
  it("reads them in one batch, and the response cache learns that the source's mapping was read", async () => {
    const source = alpha();
    const { reads, report, tracker } = oneRequest(store, ADMIN, [source]);
    expect(await reads.license("alpha:L-ann", report)).toMatchObject({ externalId: "L-ann" });
    expect(source.callsTo("licensesOfAccounts")).toEqual([["acc-ann", "acc-bob"]]);
    expect(tracker.tags.has(tag.accountsAt("alpha"))).toBe(true);
  });

  it("for a partner, only the accounts of customers it sees", async () => {
    const source = alpha();
    const { reads, report } = oneRequest(store, partnerOf("cust-ann"), [source]);
    expect(await reads.license("alpha:L-bob", report)).toBeNull();
    expect(await reads.license("alpha:L-ann", report)).toMatchObject({ externalId: "L-ann" });
    expect(source.callsTo("licensesOfAccounts")).toEqual([["acc-ann"]]);
  });

  it("an account whose list fails costs only its own licenses, and is reported", async () => {
    const failure = new Error("acc-ann is unreadable");
    const { reads, report, errors } = oneRequest(store, ADMIN, [alpha({ accounts: { "acc-ann": failure } })]);
    expect(await reads.license("alpha:L-bob", report)).toMatchObject({ externalId: "L-bob" });
    expect(errors).toEqual([failure]);
  });
});

describe("fallback 3: the controllers the gateway claimed for at the source", () => {
  beforeEach(async () => {
    await store.claims.record({ source: "alpha", licenseExternalId: "L-orphan", licenseKey: "KEY-L-orphan", nodeId: "node-1" });
    await store.claims.record({ source: "alpha", licenseExternalId: "L-other", licenseKey: "KEY-L-other", nodeId: "node-1" });
    queries.length = 0;
  });

  const withOrphan = () => alpha({ nodes: { "node-1": [licenseAt("alpha", "L-orphan")] } });

  it("finds for an admin a license no mapped account lists, asking each claimed node once", async () => {
    const source = withOrphan();
    const { reads, report, tracker } = oneRequest(store, ADMIN, [source]);
    expect(await reads.license("alpha:L-orphan", report)).toMatchObject({ externalId: "L-orphan" });
    expect(source.callsTo("licensesOfControllers")).toEqual([["node-1"]]);
    expect(tracker.tags.has(tag.claimsAt("alpha"))).toBe(true);
    expect(queries.some((q) => q.includes('"claims"'))).toBe(true);
  });

  it("is never tried for anyone else: such a license has no customer", async () => {
    const source = withOrphan();
    const { reads, report } = oneRequest(store, partnerOf("cust-ann", "cust-bob"), [source]);
    expect(await reads.license("alpha:L-orphan", report)).toBeNull();
    expect(source.callsTo("licensesOfControllers")).toEqual([]);
    expect(queries.some((q) => q.includes('"claims"'))).toBe(false);
  });

  it("is not reached when an account lists the license", async () => {
    const source = withOrphan();
    const { reads, report } = oneRequest(store, ADMIN, [source]);
    await reads.license("alpha:L-ann", report);
    expect(source.callsTo("licensesOfControllers")).toEqual([]);
  });

  it("a license found nowhere is null, with nothing reported", async () => {
    const { reads, report, errors } = oneRequest(store, ADMIN, [withOrphan()]);
    expect(await reads.license("alpha:L-none", report)).toBeNull();
    expect(errors).toEqual([]);
  });
});

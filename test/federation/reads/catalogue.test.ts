import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tag } from "../../../src/domain/data-tags.js";
import type { LicenseOffer } from "../../../src/sources/source.js";
import type { Store } from "../../../src/store/store.js";
import { memorySource, type MemorySource } from "../../support/memory-source.js";
import { ADMIN, oneRequest, openMemoryStore, partnerOf } from "./harness.js";

/** Offers from the catalogues where a customer has an account, Customerarea-like (src/federation/reads/catalogue.ts). */

let store: Store;

beforeEach(async () => {
  ({ store } = await openMemoryStore());
  await store.customers.upsert({
    id: "cust-ann",
    name: "Ann",
    accounts: [
      { source: "shop-1", externalId: "s1-ann" },
      { source: "shop-2", externalId: "s2-ann" },
      { source: "alpha", externalId: "acc-ann" },
    ],
  });
});

afterEach(async () => {
  await store.close();
});

const offer = (source: string, code: string): LicenseOffer => ({
  source,
  code,
  name: code,
  durationMonths: 12,
  version: null,
  quantity: null,
  points: null,
  price: null,
  currency: null,
});
const shops = (): [MemorySource, MemorySource, MemorySource] => [
  memorySource("shop-1", { offers: { "s1-ann": [offer("shop-1", "A"), offer("shop-1", "B")] } }),
  memorySource("shop-2", { offers: { "s2-ann": [offer("shop-2", "C")] } }),
  memorySource("alpha", { accounts: {} }),
];
const codes = (list: LicenseOffer[]) => list.map((o) => `${o.source}/${o.code}`);

describe("a customer's offers", () => {
  it("come from every catalogue where it has an account, each account's read recorded for the response cache", async () => {
    const { reads, report, tracker } = oneRequest(store, ADMIN, shops());
    expect(codes(await reads.customerOffers("cust-ann", {}, report))).toEqual(["shop-1/A", "shop-1/B", "shop-2/C"]);
    expect([...tracker.tags]).toEqual(expect.arrayContaining([tag.account("shop-1", "s1-ann"), tag.account("shop-2", "s2-ann")]));
    expect(tracker.tags.has(tag.account("alpha", "acc-ann"))).toBe(false);
  });

  it("narrow to one source, and pass the filter's words to the vendor", async () => {
    const [one, two, alpha] = shops();
    const { reads, report } = oneRequest(store, ADMIN, [one, two, alpha]);
    expect(codes(await reads.customerOffers("cust-ann", { source: "shop-1", code: "B" }, report))).toEqual(["shop-1/B"]);
    expect(two.calls).toEqual([]);
  });

  it("refuse an unknown source and a filter word longer than any vendor's, before asking anyone", async () => {
    const all = shops();
    const { reads, report } = oneRequest(store, ADMIN, all);
    await expect(reads.customerOffers("cust-ann", { source: "nowhere" }, report)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      field: ["source"],
    });
    await expect(reads.customerOffers("cust-ann", { currency: "x".repeat(101) }, report)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      field: ["currency"],
    });
    expect(all.flatMap((s) => s.calls)).toEqual([]);
  });

  it("skip a failing catalogue, reporting it", async () => {
    const [one, two] = shops();
    one.failure = new Error("shop-1 is down");
    const { reads, report, errors } = oneRequest(store, ADMIN, [one, two]);
    expect(codes(await reads.customerOffers("cust-ann", {}, report))).toEqual(["shop-2/C"]);
    expect(errors).toEqual([one.failure]);
  });

  it("are none for a customer the principal does not see, and no catalogue is asked", async () => {
    const all = shops();
    const { reads, report } = oneRequest(store, partnerOf("cust-bob"), all);
    expect(await reads.customerOffers("cust-ann", {}, report)).toEqual([]);
    expect(all.flatMap((s) => s.calls)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CUSTOMER_IDS, seedDemo } from "../../src/demo/seed.js";
import { createLoaders } from "../../src/federation/loaders.js";
import { SourceRegistry } from "../../src/federation/registry.js";
import { openStore, type Store } from "../../src/store/store.js";

/** Loaders are made on first read (src/federation/loaders.ts): made once, they must stay the request's own. */

let store: Store;
const sources = new SourceRegistry([]);

beforeAll(async () => {
  store = await openStore("memory://");
  await seedDemo(store);
});

afterAll(async () => {
  await store?.close();
});

describe("a request's loaders", () => {
  it("are made on first read and kept: a key asked twice in one request is one load, with one answer", async () => {
    const loaders = createLoaders(store, sources);
    expect(loaders.customers).toBe(loaders.customers);
    // One load: the very same row object, not two equal ones.
    const [first, again] = await Promise.all([loaders.customers.load(DEMO_CUSTOMER_IDS[0]), loaders.customers.load(DEMO_CUSTOMER_IDS[0])]);
    expect(first).toMatchObject({ id: DEMO_CUSTOMER_IDS[0] });
    expect(again).toBe(first);
    expect(await loaders.customers.load(DEMO_CUSTOMER_IDS[0])).toBe(first);
  });

  it("are another request's own: nothing one request loaded or primed is seen by the next", async () => {
    const one = createLoaders(store, sources);
    const two = createLoaders(store, sources);
    expect(two.customers).not.toBe(one.customers);
    one.customers.prime("primed-in-one", { id: "primed-in-one" } as never);
    expect(await two.customers.load("primed-in-one")).toBeNull();
  });

  it("with batching off (server.batching: false), load every key anew", async () => {
    const loaders = createLoaders(store, sources, { batching: false });
    expect(loaders.customers).toBe(loaders.customers);
    const [first, again] = await Promise.all([loaders.customers.load(DEMO_CUSTOMER_IDS[0]), loaders.customers.load(DEMO_CUSTOMER_IDS[0])]);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });
});

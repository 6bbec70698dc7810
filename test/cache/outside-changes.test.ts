import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { cacheStatus, cached, fresh, isHit, stillCached, type Read } from "./cache-helpers.js";

/**
 * What the cache does about changes it cannot see (made at a vendor directly), about identical reads arriving
 * together, and about answers it must never keep. Timing leaves room for a loaded machine: the TTL (2 s) is far
 * longer than the few requests made inside it, and once it has passed a change must show on the very first read,
 * however late that read comes; only lower bounds on elapsed time are asserted.
 */
const TTL_MS = 2_000;
const t = useTestGateway({
  sourceOverrides: {
    // Expires outright: never a stale answer.
    sofar: { cache: { ttlMs: TTL_MS, staleMs: 0 } },
    // Stale-while-revalidate: a stale answer is served for a minute while one background call refreshes it.
    smartgridone: { cache: { ttlMs: TTL_MS, staleMs: 60_000 } },
  },
});

afterEach(() => {
  for (const sim of [t.vendors.sofar, t.vendors.smartgridone, t.vendors.cryptolens, t.vendors.flashstart, t.vendors.esmart])
    sim.setLatency(0);
  t.resetCalls();
});

const eniris = (brand: "sofar" | "smartgridone") => t.vendors[brand].data;
const licenseOf = (data: any, key: string) => data.customer.licenses.find((l: any) => l.key === key);

describe("changes made at a vendor, outside the gateway", () => {
  it("are not shown while the source's answer is fresh, and are shown by the first read after its TTL", async () => {
    const key = "SOFAR-RES-0001"; // demo-customer-2's
    const read: Read = { query: `{ customer(id: "demo-customer-2") { licenses(source: "sofar") { key solarKw } } }` };
    const askedAt = Date.now();
    expect(licenseOf(await cached(t, read), key).solarKw).toBe(8);
    const storedBy = Date.now();

    eniris("sofar").licenses.find((l) => l.key === key)!.solarKw = 99;

    // Within the TTL (each of these is a hit or makes no vendor call, so each ran within it): the old value.
    t.resetCalls();
    expect(licenseOf(await stillCached(t, read), key).solarKw).toBe(8);
    const otherDocument: Read = { query: `{ customer(id: "demo-customer-2") { licenses(source: "sofar") { key solarKw status } } }` };
    const below = await t.gql(otherDocument.query);
    expect(licenseOf(below.body.data, key).solarKw).toBe(8);
    expect(t.vendors.sofar.calls.count({ server: "api" })).toBe(0);

    await sleep(storedBy + TTL_MS + 50 - Date.now());
    // staleMs 0: nothing of the old answer may be served once the TTL has passed, neither response nor source entry.
    expect(licenseOf(await fresh(t, read), key).solarKw).toBe(99);
    expect(licenseOf(await fresh(t, otherDocument), key).solarKw).toBe(99);
    expect(Date.now() - askedAt).toBeGreaterThanOrEqual(TTL_MS);
    expect(t.vendors.sofar.calls.count({ server: "api", path: /^\/v1\/license\/customer\// })).toBe(1);
  });

  it("past the TTL, the first read answers at once with the old value and one background call fetches the new one", async () => {
    const sgo = eniris("smartgridone");
    const key = "SGO-COM-0001"; // demo-customer-1's
    const path = `/v1/license/customer/${sgo.licenses.find((l) => l.key === key)!.customerId}`;
    const read: Read = { query: `{ customer(id: "demo-customer-1") { licenses(source: "smartgridone") { key evKw } } }` };
    expect(licenseOf(await cached(t, read), key).evKw).toBe(120);
    const storedBy = Date.now();

    sgo.licenses.find((l) => l.key === key)!.evKw = 121;
    await sleep(storedBy + TTL_MS + 50 - Date.now());

    // A slow vendor: a reader that waited for it would take this long.
    const LATENCY_MS = 2_000;
    t.vendors.smartgridone.setLatency(LATENCY_MS);
    t.resetCalls();
    const started = Date.now();
    const stale = await fresh(t, read);
    expect(Date.now() - started).toBeLessThan(LATENCY_MS);
    expect(licenseOf(stale, key).evKw).toBe(120);
    // Readers arriving while the refresh is out get the stale answer too, without another call.
    const otherDocument: Read = { query: `{ customer(id: "demo-customer-1") { licenses(source: "smartgridone") { key evKw status } } }` };
    expect(licenseOf(await fresh(t, otherDocument), key).evKw).toBe(120);

    await vi.waitFor(() => expect(t.vendors.smartgridone.calls.list().find((c) => c.path === path)?.status).toBe(200), {
      timeout: 10_000,
      interval: 50,
    });
    // The refreshed answer is what the next reader of the source's data gets (a new document each time, so no
    // response kept by an earlier poll answers).
    let poll = 0;
    await vi.waitFor(
      async () =>
        expect(
          licenseOf(
            await fresh(t, {
              query: `{ customer(id: "demo-customer-1") { licenses(source: "smartgridone") { key evKw p${++poll}: key } } }`,
            }),
            key,
          ).evKw,
        ).toBe(121),
      {
        timeout: 5_000,
        interval: 50,
      },
    );
    expect(t.vendors.smartgridone.calls.count({ server: "api", path })).toBe(1);
  });

  // A response built from a stale source answer is not kept (and one built from fresh ones lives no longer than the
  // oldest of them), so the same document shows the refreshed value as soon as the refresh lands.
  it("once the background refresh has landed, the same document shows the new value too", async () => {
    const sgo = eniris("smartgridone");
    const key = "SGO-RES-0001"; // demo-customer-2's
    const read: Read = { query: `{ customer(id: "demo-customer-2") { licenses(source: "smartgridone") { key solarKw } } }` };
    expect(licenseOf(await cached(t, read), key).solarKw).toBe(5);
    const storedBy = Date.now();
    sgo.licenses.find((l) => l.key === key)!.solarKw = 6;
    await sleep(storedBy + TTL_MS + 50 - Date.now());

    expect(licenseOf(await fresh(t, read), key).solarKw).toBe(5); // stale, and a refresh goes out
    let poll = 0;
    await vi.waitFor(
      async () =>
        expect(
          licenseOf(
            await fresh(t, {
              query: `{ customer(id: "demo-customer-2") { licenses(source: "smartgridone") { key solarKw p${++poll}: key } } }`,
            }),
            key,
          ).solarKw,
        ).toBe(6),
      {
        timeout: 5_000,
        interval: 20,
      },
    );
    const again = await t.gql(read.query);
    expect({ value: licenseOf(again.body.data, key).solarKw, status: cacheStatus(again) }).toEqual({
      value: 6,
      status: expect.not.stringMatching(/hit/),
    });
  });
});

describe("identical reads arriving together", () => {
  it("share one upstream call per vendor key, though each is its own response", async () => {
    for (const sim of [t.vendors.cryptolens, t.vendors.flashstart, t.vendors.esmart]) sim.setLatency(100);
    t.resetCalls();
    // demo-customer-3: Cryptolens 103, Customerarea 5003, eSmart ES-10003; nothing read them before in this file.
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.gql(
          `query Same${i} { customer(id: "demo-customer-3") { cl: licenses(source: "cryptolens") { key } fs: licenses(source: "flashstart") { key } profile { externalId email } } }`,
        ),
      ),
    );
    for (const res of responses) {
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data).toEqual(responses[0]!.body.data);
      expect(cacheStatus(res)).toBe("license-gateway; fwd=miss; stored");
    }
    expect(responses[0]!.body.data.customer.cl.length).toBeGreaterThan(0);
    expect(responses[0]!.body.data.customer.profile.externalId).toBe("ES-10003");
    expect(t.vendors.cryptolens.calls.count({ server: "api", path: "/api/customer/GetCustomerLicenses" })).toBe(1);
    expect(t.vendors.flashstart.calls.count({ server: "api", path: "/customerarea/licenses" })).toBe(1);
    expect(t.vendors.esmart.calls.count({ server: "api", path: "/api/customers/ES-10003" })).toBe(1);
  });
});

describe("answers that are never kept", () => {
  it("a query selecting a source's live health is never a hit", async () => {
    for (const query of [`{ sources { id state circuit } }`, `{ customer(id: "demo-customer-2") { name } sources { id circuit } }`]) {
      for (let i = 0; i < 3; i++) {
        const res = await t.gql(query);
        expect(res.body.errors).toBeUndefined();
        expect(cacheStatus(res)).toMatch(/^license-gateway; fwd=miss; detail="live field Source\.(state|circuit)"$/);
      }
    }
  });

  it("an answer with a vendor's error is not kept, and the first read after the vendor recovers gets the full data", async () => {
    const read: Read = { query: `{ customer(id: "demo-customer-1") { name licenses(source: "cryptolens") { key } } }` };
    t.vendors.cryptolens.fault({ server: "api", path: "/api/customer/GetCustomerLicenses", kind: "status", status: 500 });
    const failed = await t.gql(read.query);
    expect(failed.body.errors?.[0]?.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", source: "cryptolens" });
    expect(failed.body.data.customer.licenses).toEqual([]);
    expect(cacheStatus(failed)).toBe(`license-gateway; fwd=miss; detail="errors"`);

    t.vendors.cryptolens.clearFaults();
    t.resetCalls();
    const recovered = await t.gql(read.query);
    expect(recovered.body.errors).toBeUndefined();
    expect(isHit(recovered)).toBe(false);
    const keys = t.vendors.cryptolens.data.keys.filter((k) => k.customerId === 101).map((k) => k.key);
    expect(recovered.body.data.customer.licenses.map((l: any) => l.key).sort()).toEqual(keys.sort());
    // The failure was not kept below the response either: the vendor was asked again.
    expect(t.vendors.cryptolens.calls.count({ server: "api", path: "/api/customer/GetCustomerLicenses" })).toBe(1);
    // The full answer is the one kept.
    expect(await stillCached(t, read)).toEqual(recovered.body.data);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../../src/demo/seed.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import { openDb } from "../../src/store/db.js";
import { openStore, type Store } from "../../src/store/store.js";
import { deterministicUuid } from "../../src/simulators/deterministic-uuid.js";
import { deleteKeys, startReplica, uniqueName, writeConfig, type Replica } from "./support.js";

/**
 * Three gateway processes on one PostgreSQL and one Redis, as a company would run them behind a load balancer:
 * a claim race across them has one winner, a change made through one is what the others answer with at once
 * (their caches included), and a burst across them after the vendor expired its tokens fetches one token per
 * vendor instance. Needs DATABASE_URL and REDIS_URL (`.ci/run` sets both).
 */
const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;
const missing = !DATABASE_URL || !REDIS_URL ? "DATABASE_URL and REDIS_URL are needed for the multi-replica test: skipped" : false;

const REPLICAS = 3;
const RACERS = 30;
const ROUNDS = 10;

const CLAIM = `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { datalink { nodeId } errors { code } } }`;
const RELEASE = `mutation($input: ReleaseLicenseInput!) { releaseLicense(input: $input) { errors { code } } }`;
const LICENSE = `query($id: ID!) { license(id: $id) { key datalinks { nodeId } } }`;
const CUSTOMER = `query($id: ID!) { customer(id: $id) { id name } }`;
const RENAME = `mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id name } }`;
const ENIRIS_LICENSES = `query($id: ID!) { customer(id: $id) { licenses { key source { id } } } }`;

describe.skipIf(missing)(`${REPLICAS} replicas on one PostgreSQL and one Redis`, { timeout: 120_000 }, () => {
  const schema = uniqueName("lg_replicas");
  const keyPrefix = `${uniqueName("lg-replicas")}:`;
  const racers = Array.from({ length: RACERS }, (_, i) => `replica-race-${String(i).padStart(2, "0")}`);
  let vendors: DemoVendors;
  let store: Store;
  let replicas: Replica[] = [];
  const figures: string[] = [];

  beforeAll(async () => {
    vendors = await startDemoVendors();
    for (const nodeId of racers) {
      vendors.sofar.data.controllers.push({
        deviceId: deterministicUuid(`replica-race:${nodeId}`),
        nodeId,
        name: nodeId,
        serialNumber: `RR-${nodeId}`,
        lastUpdate: "2025-01-01T00:00:00Z",
      });
    }
    store = await openStore(DATABASE_URL!, { schema });
    await seedDemo(store);
    for (const nodeId of racers) await store.controllers.upsert({ nodeId, customerId: "demo-customer-1" });
    // Eniris answers are not cached here, so every burst reaches the vendor and needs a token; Cryptolens and the
    // store-backed fields are cached, so the staleness checks go through every cache level.
    const sources = Object.fromEntries(
      Object.entries(vendors.sources).map(([id, s]) => [
        id,
        { ...s, timeoutMs: 20_000, ...(s.kind === "eniris" ? { cache: { ttlMs: 0, staleMs: 0 } } : {}) },
      ]),
    );
    const config = writeConfig({
      server: { host: "127.0.0.1", port: 0 },
      store: { url: DATABASE_URL, schema },
      cache: { url: REDIS_URL, keyPrefix },
      auth: { mode: "off" },
      sources,
    });
    replicas = await Promise.all(Array.from({ length: REPLICAS }, (_, i) => startReplica(`replica-${i + 1}`, config)));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await store?.close();
    await vendors?.close();
    if (DATABASE_URL) {
      const admin = await openDb(DATABASE_URL);
      await admin.query(`drop schema if exists ${schema} cascade`).finally(() => admin.close());
    }
    if (REDIS_URL) await deleteKeys(REDIS_URL, keyPrefix);
    console.log(`multi-replica figures (${REPLICAS} gateway processes, one PostgreSQL, one Redis):\n  ${figures.join("\n  ")}`);
  });

  const replicaFor = (i: number) => replicas[i % REPLICAS]!;

  async function race(source: string, key: string) {
    const results = await Promise.all(racers.map((nodeId, i) => replicaFor(i).gql(CLAIM, { input: { source, key, nodeId } })));
    for (const r of results) expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    const payloads = results.map((r) => r.body.data.claimLicense);
    return {
      winners: payloads.filter((p) => p.errors.length === 0).map((p) => p.datalink.nodeId as string),
      losers: payloads.filter((p) => p.errors.length > 0).map((p) => p.errors[0].code as string),
    };
  }

  it("a claim race across the replicas has exactly one winner, at the gateway's own store and at a vendor", async () => {
    const issued = await replicas[0]!.gql(
      `mutation { issueLicense(input: { customerId: "demo-customer-1", durationMonths: 12 }) { key externalId } }`,
    );
    const { key, externalId } = issued.body.data.issueLicense;
    const local = await race("local", key);
    expect(local.winners).toHaveLength(1);
    expect(local.losers).toEqual(Array(RACERS - 1).fill("LICENSE_ALREADY_CLAIMED"));
    expect((await store.claims.ofLicenses("local", [externalId])).map((c) => c.nodeId)).toEqual(local.winners);

    const sofarKey = vendors.sofar.data.examples.inactiveUnclaimedKey;
    const sofar = await race("sofar", sofarKey);
    expect(sofar.winners).toHaveLength(1);
    const license = vendors.sofar.data.licenses.find((l) => l.key === sofarKey)!;
    expect(vendors.sofar.data.datalinks.filter((d) => d.licenseId === license.id).map((d) => d.nodeId)).toEqual(sofar.winners);
    figures.push(
      `claim race, ${RACERS} claims spread over ${REPLICAS} replicas: local ${local.winners.length} winner, sofar ${sofar.winners.length} winner`,
    );
  });

  it("a change made through one replica is what every other replica answers at once, from warm caches", async () => {
    const key = vendors.cryptolens.data.examples.activeKeyWithFreeSlot;
    const id = `cryptolens:${key}`;
    const nodeId = "ctrl-demo-001";
    let reads = 0;
    let stale = 0;
    let cachedBefore = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const writer = replicaFor(round);
      const readers = replicas.filter((r) => r !== writer);
      // Warm every replica's caches: the second read of each is answered from its cache.
      for (const r of replicas) {
        await r.gql(LICENSE, { id });
        if ((await r.gql(LICENSE, { id })).cacheStatus?.includes("hit")) cachedBefore++;
        await r.gql(CUSTOMER, { id: "demo-customer-2" });
      }
      const claimed = round % 2 === 0;
      const mutation = claimed ? CLAIM : RELEASE;
      const done = await writer.gql(mutation, { input: { source: "cryptolens", key, nodeId } });
      expect(done.body.errors).toBeUndefined();
      const name = `Renamed ${round}`;
      await writer.gql(RENAME, { input: { id: "demo-customer-2", name } });
      // Immediately after the writer answered: every other replica must see both changes.
      for (const r of readers) {
        const license = await r.gql(LICENSE, { id });
        const customer = await r.gql(CUSTOMER, { id: "demo-customer-2" });
        reads += 2;
        const linked = license.body.data.license.datalinks.some((d: { nodeId: string }) => d.nodeId === nodeId);
        if (linked !== claimed) stale++;
        if (customer.body.data.customer.name !== name) stale++;
      }
    }
    figures.push(
      `cross-replica staleness: ${stale} stale answers of ${reads} reads right after a write on another replica (${cachedBefore} of ${ROUNDS * REPLICAS} warm-up reads were cache hits)`,
    );
    expect(cachedBefore).toBe(ROUNDS * REPLICAS);
    expect(stale).toBe(0);
  });

  it("what one replica fetched from a vendor, the others reuse from the shared cache without calling it", async () => {
    const id = `cryptolens:${vendors.cryptolens.data.examples.keyAtMachineLimit}`;
    vendors.cryptolens.calls.reset();
    const first = await replicas[0]!.gql(LICENSE, { id });
    expect(first.body.errors).toBeUndefined();
    const byFirst = vendors.cryptolens.calls.count();
    const others = await Promise.all(replicas.slice(1).map((r) => r.gql(LICENSE, { id })));
    for (const r of others) expect(r.body).toEqual(first.body);
    const byOthers = vendors.cryptolens.calls.count() - byFirst;
    figures.push(
      `shared vendor answers: license(id) on replica 1 made ${byFirst} Cryptolens calls, the same read on the ${REPLICAS - 1} others ${byOthers}`,
    );
    expect(byFirst).toBeGreaterThan(0);
    expect(byOthers).toBe(0);
  });

  it("a burst across the replicas after the vendor expired its tokens fetches one token per vendor instance", async () => {
    const burst = () =>
      Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          replicaFor(i)
            .gql(ENIRIS_LICENSES, { id: "demo-customer-1" })
            .then((r) => expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined()),
        ),
      );
    await burst();
    for (const sim of [vendors.sofar, vendors.smartgridone]) {
      sim.calls.reset();
      sim.expireAccessTokens();
    }
    await burst();
    const fetches = [vendors.sofar, vendors.smartgridone].map((sim) => sim.calls.count({ server: "auth", path: "/auth/accesstoken" }));
    const logins = [vendors.sofar, vendors.smartgridone].map((sim) => sim.calls.count({ server: "auth", path: "/auth/login" }));
    figures.push(
      `token fetches after expiry, 30 requests over ${REPLICAS} replicas: sofar ${fetches[0]}, smartgridone ${fetches[1]} (logins ${logins.join(", ")})`,
    );
    expect(fetches).toEqual([1, 1]);
    expect(logins).toEqual([0, 0]);
  });
});

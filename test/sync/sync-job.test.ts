import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Invalidation } from "../../src/cache/invalidation.js";
import { SourceCache } from "../../src/cache/source-cache.js";
import { TaggedLru } from "../../src/cache/tagged-lru.js";
import { configSchema, type GatewayConfig } from "../../src/config/schema.js";
import { seedDemo } from "../../src/demo/seed.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import type { LicenseEvent } from "../../src/domain/license-events.js";
import type { License } from "../../src/domain/model.js";
import { createSources } from "../../src/sources/create.js";
import type { LicenseSource } from "../../src/sources/source.js";
import { bindStore } from "../../src/store/store.js";
import { SyncScheduler } from "../../src/sync/scheduler.js";
import type { SyncSummary } from "../../src/sync/sync-job.js";
import { engines, useEngine } from "../store/engines.js";

/**
 * The sync against the real vendor simulators and the real store (SQLite, and PostgreSQL with DATABASE_URL), through
 * the gateway's own sources, cache-wrapped as the gateway builds them. Changes are made in the simulators' live data,
 * behind the gateway's back.
 */
describe.each(engines)("the sync on $name", (engine) => {
  const ctx = useEngine(engine);
  let vendors: DemoVendors;
  let sources: LicenseSource[];
  let config: GatewayConfig;
  let scheduler: SyncScheduler;
  const published: LicenseEvent[] = [];
  const cryptolens = () => sources.find((s) => s.id === "cryptolens")!;
  const cryptolensCalls = () => vendors.cryptolens.calls.count({ server: "api" });

  beforeAll(async () => {
    vendors = await startDemoVendors();
    config = configSchema.parse({
      sources: {
        // No retries: one vendor call per account, so the counts below are exact. Two at a time: the sync keeps to it.
        cryptolens: { ...vendors.sources.cryptolens, timeoutMs: 5_000, resilience: { retries: 0, maxConcurrent: 2 } },
        sofar: { ...vendors.sources.sofar, timeoutMs: 5_000, resilience: { retries: 0 } },
      },
      sync: { enabled: true, intervalMs: 86_400_000, accountsPerBatch: 2 },
    });
    const invalidation = new Invalidation();
    const cache = new SourceCache(new TaggedLru({ maxEntries: 1_000 }), invalidation);
    sources = createSources(config.sources, ctx.store, { cache, invalidation });
    await seedDemo(ctx.store);
    scheduler = new SyncScheduler({
      store: ctx.store,
      sources,
      config: config.sync,
      holder: "replica-a",
      onEvents: (events) => published.push(...events),
      invalidate: (tags) => invalidation.invalidate(tags),
    });
  });

  afterAll(async () => {
    await scheduler?.close();
    await Promise.all(sources?.map((s) => s.close()) ?? []);
    await vendors?.close();
  });

  /** Runs one sync of `source` and returns its summary and the events it published. */
  async function sync(source: string): Promise<{ summary: SyncSummary; events: LicenseEvent[] }> {
    published.length = 0;
    const summary = await scheduler.runNow(source);
    expect(summary).not.toBeNull();
    return { summary: summary!, events: [...published] };
  }

  const mappedCryptolensAccounts = async () => (await ctx.store.customers.accountsAtSource("cryptolens")).map((a) => a.externalId);
  const brief = (events: LicenseEvent[]) => events.map((e) => [e.type, e.externalId, e.nodeId, e.previousStatus, e.status]);

  it("syncs only the vendor sources that list licenses by account", () => {
    expect(scheduler.sourceIds).toEqual(["cryptolens", "sofar"]);
  });

  it("reports every license of every mapped account as APPEARED at the first sync, one vendor call per account", async () => {
    const accounts = await mappedCryptolensAccounts();
    expect(accounts.length).toBeGreaterThan(2); // several batches of 2
    // What a request reads through the gateway's source now (and caches): the sync must report the same licenses.
    const lists = await cryptolens().licensesOfAccounts!(accounts);
    const expected = lists.flatMap((list) => (list instanceof Error ? [] : list)).map((l: License) => l.externalId);
    expect(expected.length).toBeGreaterThan(0);
    vendors.cryptolens.calls.reset();

    const { summary, events } = await sync("cryptolens");

    // Fresh from the vendor, though every account's answer was in the cache a moment ago.
    expect(cryptolensCalls()).toBe(accounts.length);
    expect(summary).toMatchObject({
      ok: true,
      accounts: accounts.length,
      licenses: expected.length,
      events: expected.length,
      failures: [],
    });
    expect(summary.reads).toBe(Math.ceil(accounts.length / 2));
    expect(events.map((e) => e.type)).toEqual(expected.map(() => "APPEARED"));
    expect(new Set(events.map((e) => e.externalId))).toEqual(new Set(expected));
    for (const e of events) expect(e).toMatchObject({ origin: "SYNC", source: "cryptolens", cursor: expect.any(Number) });
    // Every event has its customer: the one the account is mapped to.
    expect(events.every((e) => typeof e.customerId === "string")).toBe(true);
    const state = await ctx.store.syncState.get("cryptolens");
    expect(state).toMatchObject({ consecutiveFailures: 0, accounts: accounts.length, licenses: expected.length, lastErrorCode: null });
    expect(state!.lastSuccessAt).toBeInstanceOf(Date);
  });

  it("keeps to the source's concurrency limit (2) while reading a batch larger than it", async () => {
    // The same holder (this process), a batch holding every account: only the source's guard keeps the calls to 2.
    const wide = new SyncScheduler({ store: ctx.store, sources, config: { ...config.sync, accountsPerBatch: 50 }, holder: "replica-a" });
    vendors.cryptolens.setLatency(30);
    vendors.cryptolens.calls.reset();
    try {
      expect(await wide.runNow("cryptolens")).toMatchObject({ ok: true, reads: 1 });
    } finally {
      vendors.cryptolens.setLatency(0);
      await wide.close();
    }
    const calls = vendors.cryptolens.calls.list();
    expect(calls.length).toBeGreaterThan(2);
    const mostAtOnce = Math.max(...calls.map((c) => calls.filter((o) => o.at <= c.at && (o.endedAt ?? Infinity) > c.at).length));
    expect(mostAtOnce).toBe(2);
    // `wide` gave the lease up on close: this file's scheduler takes it again.
  });

  it("reports nothing when nothing changed, and keeps the snapshot", async () => {
    const before = await ctx.store.licenseIndex.ofAccount("cryptolens", (await mappedCryptolensAccounts())[0]!);
    const { summary, events } = await sync("cryptolens");
    expect(summary.ok).toBe(true);
    expect(events).toEqual([]);
    expect(await ctx.store.licenseIndex.ofAccount("cryptolens", (await mappedCryptolensAccounts())[0]!)).toEqual(before);
  });

  it("does not report again what a mutation through the gateway already reported", async () => {
    const accounts = new Set((await mappedCryptolensAccounts()).map(Number));
    const key = vendors.cryptolens.data.keys.find((k) => k.customerId !== null && accounts.has(k.customerId) && !k.block)!;
    const [indexed] = (await ctx.store.licenseIndex.ofAccount("cryptolens", String(key.customerId))).filter(
      (l) => l.externalId === key.key,
    );
    // As a claim through the gateway does it: the vendor call, then its event at once.
    key.activatedMachines = [
      ...(key.activatedMachines ?? []),
      { mid: "node-by-mutation", ip: "127.0.0.1", time: "2026-01-01T00:00:00", friendlyName: null },
    ];
    await ctx.store.licenseEvents.append([
      {
        type: "CLAIMED",
        at: new Date(),
        origin: "MUTATION",
        source: "cryptolens",
        externalId: key.key,
        customerId: indexed!.customerId,
        status: indexed!.status,
        previousStatus: null,
        nodeId: "node-by-mutation",
        expiresAt: indexed!.expiresAt,
        thresholdDays: null,
      },
    ]);
    const { summary, events } = await sync("cryptolens");
    expect(summary.ok).toBe(true);
    expect(events).toEqual([]);
    // The index has it all the same.
    const after = await ctx.store.licenseIndex.ofAccount("cryptolens", String(key.customerId));
    expect(after.find((l) => l.externalId === key.key)?.nodeIds).toContain("node-by-mutation");
  });

  it("reports EXPIRING once when a license's expiry comes within a threshold, and not again at the next sync", async () => {
    const accounts = new Set((await mappedCryptolensAccounts()).map(Number));
    const key = vendors.cryptolens.data.keys.find((k) => k.customerId !== null && accounts.has(k.customerId) && !k.block)!;
    const previousExpiry = key.expires;
    // Moved to 20 days from now at the vendor (Cryptolens dates are UTC without a zone).
    key.expires = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 19);
    try {
      const { events } = await sync("cryptolens");
      expect(events.map((e) => [e.type, e.externalId, e.thresholdDays])).toEqual([["EXPIRING", key.key, 30]]);
      expect(events[0]!.expiresAt).toEqual(new Date(`${key.expires}Z`));
      expect((await sync("cryptolens")).events).toEqual([]);
    } finally {
      key.expires = previousExpiry;
    }
    // Renewed far away again: no event (a later expiry is not news), and the snapshot follows.
    expect((await sync("cryptolens")).events).toEqual([]);
  });

  it("reports EXPIRING when time alone brings a license within a threshold: nothing changed at the vendor between the syncs", async () => {
    const accounts = new Set((await mappedCryptolensAccounts()).map(Number));
    const key = vendors.cryptolens.data.keys.find((k) => k.customerId !== null && accounts.has(k.customerId) && !k.block)!;
    const previousExpiry = key.expires;
    let offsetDays = 0;
    const clocked = new SyncScheduler({
      store: ctx.store,
      sources,
      config: config.sync,
      holder: "replica-a",
      now: () => new Date(Date.now() + offsetDays * 86_400_000),
    });
    const events: LicenseEvent[] = [];
    clocked.onEvents((e) => events.push(...e));
    const syncAt = async (days: number) => {
      offsetDays = days;
      events.length = 0;
      expect((await clocked.runNow("cryptolens"))?.ok).toBe(true);
      return events.filter((e) => e.externalId === key.key).map((e) => [e.type, e.thresholdDays]);
    };
    key.expires = new Date(Date.now() + 35 * 86_400_000).toISOString().slice(0, 19);
    try {
      // 35 days away: outside every threshold (30 and 7 by default).
      expect(await syncAt(0)).toEqual([]);
      // Six days later by the sync's clock, 29 days away: the 30-day threshold is crossed, once.
      expect(await syncAt(6)).toEqual([["EXPIRING", 30]]);
      expect(await syncAt(7)).toEqual([]);
      // 29 days later, 6 days away: the 7-day one.
      expect(await syncAt(29)).toEqual([["EXPIRING", 7]]);
    } finally {
      key.expires = previousExpiry;
      await clocked.close();
    }
    // Renewed at the vendor, synced at the real time again: a later expiry is not news.
    expect((await sync("cryptolens")).events).toEqual([]);
  });

  it("reports exactly the change made at the vendor behind the gateway's back, and the cache no longer serves the old state", async () => {
    const accounts = new Set((await mappedCryptolensAccounts()).map(Number));
    const keys = vendors.cryptolens.data.keys.filter((k) => k.customerId !== null && accounts.has(k.customerId) && !k.block);
    const [blocked, claimed] = [keys[0]!, keys[1]!];
    const account = String(blocked.customerId);
    // A request reads (and caches) the account's licenses before the change.
    const cachedBefore = (await cryptolens().licensesOfAccounts!([account]))[0] as License[];
    expect(cachedBefore.find((l) => l.externalId === blocked.key)?.status).toBe("ACTIVE");

    blocked.block = true;
    claimed.activatedMachines = [
      ...(claimed.activatedMachines ?? []),
      { mid: "node-behind-the-back", ip: "127.0.0.1", time: "2026-01-01T00:00:00", friendlyName: null },
    ];
    const { summary, events } = await sync("cryptolens");

    expect(summary).toMatchObject({ ok: true, events: 2 });
    expect(brief(events)).toEqual(
      [
        ["BLOCKED", blocked.key, null, "ACTIVE", "BLOCKED"],
        ["CLAIMED", claimed.key, "node-behind-the-back", null, expect.any(String)],
      ].sort((a, b) => (a[1]! < b[1]! ? -1 : 1)),
    );
    // The sync dropped the cached answer it found out of date: a request now reads the vendor again.
    vendors.cryptolens.calls.reset();
    const after = (await cryptolens().licensesOfAccounts!([account]))[0] as License[];
    expect(after.find((l) => l.externalId === blocked.key)?.status).toBe("BLOCKED");
    expect(cryptolensCalls()).toBe(1);
    const indexed = await ctx.store.licenseIndex.ofAccount("cryptolens", String(claimed.customerId));
    expect(indexed.find((l) => l.externalId === claimed.key)?.nodeIds).toContain("node-behind-the-back");
  });

  it("reports nothing while the vendor fails, keeps the index, records the failure by code; then exactly the real changes", async () => {
    const accounts = await mappedCryptolensAccounts();
    const snapshot = await Promise.all(accounts.map((a) => ctx.store.licenseIndex.ofAccount("cryptolens", a)));
    const key = vendors.cryptolens.data.keys.find((k) => k.block && k.customerId !== null && accounts.includes(String(k.customerId)))!;
    const cursorBefore = await ctx.store.licenseEvents.latestCursor();

    vendors.cryptolens.fault({ server: "api", kind: "status", status: 500 });
    key.block = false; // a real change, made while the gateway cannot see it
    vendors.cryptolens.calls.reset();
    const failed = await sync("cryptolens");
    expect(cryptolensCalls()).toBe(accounts.length);
    expect(failed.summary).toMatchObject({ ok: false, stopped: false, accounts: 0, events: 0 });
    expect(failed.summary.failures).toEqual(accounts.map((account) => ({ account, code: "UPSTREAM_UNAVAILABLE" })));
    expect(failed.events).toEqual([]);
    expect(await ctx.store.licenseEvents.latestCursor()).toBe(cursorBefore);
    expect(await Promise.all(accounts.map((a) => ctx.store.licenseIndex.ofAccount("cryptolens", a)))).toEqual(snapshot);
    const state = await ctx.store.syncState.get("cryptolens");
    expect(state).toMatchObject({ lastErrorCode: "UPSTREAM_UNAVAILABLE", consecutiveFailures: 1 });
    // The vendor's own words are nowhere in what was recorded.
    expect(JSON.stringify(state)).not.toMatch(/HTTP|error body|500/);

    vendors.cryptolens.clearFaults();
    const recovered = await sync("cryptolens");
    expect(recovered.summary.ok).toBe(true);
    expect(brief(recovered.events)).toEqual([["UNBLOCKED", key.key, null, "BLOCKED", "ACTIVE"]]);
    expect(await ctx.store.syncState.get("cryptolens")).toMatchObject({ consecutiveFailures: 0 });
  });

  it("writes the accounts read fine when another account of the run fails, and still counts the run as failed", async () => {
    const accounts = await mappedCryptolensAccounts();
    const keys = vendors.cryptolens.data.keys.filter((k) => k.customerId !== null && accounts.includes(String(k.customerId)) && !k.block);
    const key = keys[keys.length - 1]!;
    // One failing call, the first: some account other than the changed one (batches of 2, 2 at a time: the first is
    // the first account's).
    const changedAccount = String(key.customerId);
    expect(changedAccount).not.toBe(accounts[0]);
    vendors.cryptolens.fault({ server: "api", kind: "status", status: 503, times: 1 });
    key.block = true;
    const { summary, events } = await sync("cryptolens");
    expect(summary.ok).toBe(false);
    expect(summary.failures).toEqual([{ account: accounts[0], code: "UPSTREAM_UNAVAILABLE" }]);
    expect(brief(events)).toEqual([["BLOCKED", key.key, null, "ACTIVE", "BLOCKED"]]);
    expect(await ctx.store.syncState.get("cryptolens")).toMatchObject({ lastErrorCode: "UPSTREAM_UNAVAILABLE", consecutiveFailures: 1 });
    key.block = false;
    expect(brief((await sync("cryptolens")).events)).toEqual([["UNBLOCKED", key.key, null, "BLOCKED", "ACTIVE"]]);
  });

  it("reports the licenses of an account no longer mapped as REMOVED", async () => {
    const customer = (await ctx.store.customers.accountsAtSource("cryptolens"))[0]!;
    const indexed = await ctx.store.licenseIndex.ofAccount("cryptolens", customer.externalId);
    expect(indexed.length).toBeGreaterThan(0);
    const kept = (await ctx.store.customers.accountsOf([customer.customerId])).filter(
      (a) => !(a.source === "cryptolens" && a.externalId === customer.externalId),
    );
    const [row] = await ctx.store.customers.getMany([customer.customerId]);
    await ctx.store.customers.upsert({ id: customer.customerId, name: row!.name, accounts: kept });
    vendors.cryptolens.calls.reset();

    const { summary, events } = await sync("cryptolens");
    expect(summary).toMatchObject({ ok: true, unmappedAccounts: 1 });
    expect(brief(events)).toEqual(indexed.map((l) => ["REMOVED", l.externalId, null, null, l.status]));
    expect(events.every((e) => e.customerId === customer.customerId)).toBe(true);
    expect(await ctx.store.licenseIndex.ofAccount("cryptolens", customer.externalId)).toEqual([]);
    // The unmapped account is not read any more.
    expect(cryptolensCalls()).toBe((await mappedCryptolensAccounts()).length);
  });

  it("syncs an Eniris brand: its links' controllers learnt once, a deactivation and a release behind its back reported", async () => {
    const byController = () => vendors.sofar.calls.count({ server: "api", path: /^\/v1\/license\/controller\// });
    const byCustomer = () => vendors.sofar.calls.count({ server: "api", path: /^\/v1\/license\/customer\// });
    const accounts = (await ctx.store.customers.accountsAtSource("sofar")).length;
    vendors.sofar.calls.reset();
    const first = await sync("sofar");
    expect(first.summary.ok).toBe(true);
    expect(first.events.length).toBeGreaterThan(0);
    expect(first.events.every((e) => e.type === "APPEARED")).toBe(true);
    expect(byCustomer()).toBe(accounts);
    // Eniris lists link ids only: the controllers registered to each customer were asked which licenses they hold.
    const controllerCalls = byController();
    expect(controllerCalls).toBeGreaterThan(0);
    const data = vendors.sofar.data;
    const linked = data.datalinks.find((d) => first.events.some((e) => e.externalId === d.licenseId))!;
    const account = data.licenses.find((l) => l.id === linked.licenseId)!.customerId!;
    const indexed = (await ctx.store.licenseIndex.ofAccount("sofar", account)).find((l) => l.externalId === linked.licenseId)!;
    expect(indexed.nodeIds).toEqual([linked.nodeId]);

    // Learnt once: the next sync asks only the customers' lists.
    vendors.sofar.calls.reset();
    expect((await sync("sofar")).events).toEqual([]);
    expect(byController()).toBe(0);
    expect(byCustomer()).toBe(accounts);

    const license = data.licenses.find(
      (l) => l.id !== linked.licenseId && first.events.some((e) => e.externalId === l.id) && l.deactivationDate === null,
    )!;
    const was = (await ctx.store.licenseIndex.ofAccount("sofar", license.customerId!)).find((l) => l.externalId === license.id)!.status;
    license.deactivationDate = "2025-06-01T00:00:00Z";
    data.datalinks.splice(data.datalinks.indexOf(linked), 1);
    const second = await sync("sofar");
    expect(brief(second.events)).toEqual(
      [
        ["STATUS_CHANGED", license.id, null, was, "DEACTIVATED"],
        ["RELEASED", linked.licenseId, linked.nodeId, null, indexed.status],
      ].sort((a, b) => (a[1]! < b[1]! ? -1 : 1)),
    );
  });

  it("lets one scheduler sync a source at a time: another holder is refused the lease until it is released", async () => {
    // On PostgreSQL a second connection pool, as another replica would have.
    const other = bindStore(await ctx.connect());
    const replicaB = new SyncScheduler({ store: other, sources, config: config.sync, holder: "replica-b" });
    try {
      vendors.cryptolens.calls.reset();
      expect(await scheduler.runNow("cryptolens")).not.toBeNull(); // replica-a holds the lease since its first run
      const callsByA = cryptolensCalls();
      expect(await replicaB.runNow("cryptolens")).toBeNull();
      expect(cryptolensCalls()).toBe(callsByA); // replica-b called nobody
      await scheduler.close(); // gives the leases up
      expect(await replicaB.runNow("cryptolens")).toMatchObject({ ok: true });
    } finally {
      await replicaB.close();
    }
  });
});

import { describe, expect, it } from "vitest";
import type { IndexedLicense, LicenseEventType, NewLicenseEvent } from "../../src/domain/license-events.js";
import type { LicenseIndexFilter } from "../../src/store/license-index.js";
import { engines, unique, useEngine } from "./engines.js";

const DAY = 86_400_000;
const T0 = new Date("2026-01-01T00:00:00.000Z");

function license(source: string, account: string, externalId: string, rest: Partial<IndexedLicense> = {}): IndexedLicense {
  return {
    source,
    externalId,
    account,
    customerId: null,
    status: "ACTIVE",
    type: "PRO",
    activatedAt: null,
    expiresAt: null,
    nodeIds: [],
    ...rest,
  };
}

function event(l: IndexedLicense, type: LicenseEventType, rest: Partial<NewLicenseEvent> = {}): NewLicenseEvent {
  return {
    type,
    at: T0,
    origin: "SYNC",
    source: l.source,
    externalId: l.externalId,
    customerId: l.customerId,
    status: l.status,
    previousStatus: null,
    nodeId: null,
    expiresAt: l.expiresAt,
    thresholdDays: null,
    ...rest,
  };
}

describe.each(engines)("the license index on $name", (engine) => {
  const ctx = useEngine(engine);

  it("replaces an account's rows and appends its events together, returning them with ascending cursors", async () => {
    const source = unique("src");
    const a = license(source, "acc-1", "L-1", { customerId: "cust-1", expiresAt: new Date(T0.getTime() + DAY), nodeIds: ["n-2", "n-1"] });
    const b = license(source, "acc-1", "L-2", { status: "INACTIVE", activatedAt: T0 });
    const other = license(source, "acc-2", "L-9");
    await ctx.store.licenseIndex.replaceAccount(source, "acc-2", [other], [], T0);

    const appended = await ctx.store.licenseIndex.replaceAccount(source, "acc-1", [a, b], [event(a, "APPEARED"), event(b, "APPEARED")], T0);
    expect(appended.map((e) => e.externalId)).toEqual(["L-1", "L-2"]);
    expect(appended[1]!.cursor).toBe(appended[0]!.cursor + 1);
    expect(await ctx.store.licenseIndex.ofAccount(source, "acc-1")).toEqual([
      { ...a, nodeIds: ["n-1", "n-2"] }, // stored sorted
      b,
    ]);

    // The next snapshot: L-1 gone, L-2 activated, L-3 new; the other account untouched.
    const later = new Date(T0.getTime() + 60_000);
    const b2 = { ...b, status: "ACTIVE" as const };
    const c = license(source, "acc-1", "L-3", { customerId: "cust-1" });
    const next = await ctx.store.licenseIndex.replaceAccount(
      source,
      "acc-1",
      [b2, c],
      [event(a, "REMOVED"), event(b2, "ACTIVATED", { previousStatus: "INACTIVE" }), event(c, "APPEARED")],
      later,
    );
    expect(next.map((e) => e.type)).toEqual(["REMOVED", "ACTIVATED", "APPEARED"]);
    expect(next[0]!.cursor).toBeGreaterThan(appended[1]!.cursor);
    expect(await ctx.store.licenseIndex.ofAccount(source, "acc-1")).toEqual([b2, c]);
    expect(await ctx.store.licenseIndex.ofAccount(source, "acc-2")).toEqual([other]);
    // With when each was read: the sync measures EXPIRING from the account's own last read.
    expect(await ctx.store.licenseIndex.snapshotOf(source, "acc-1")).toEqual([
      { ...b2, indexedAt: later },
      { ...c, indexedAt: later },
    ]);
    expect(await ctx.store.licenseIndex.snapshotOf(source, "acc-2")).toEqual([{ ...other, indexedAt: T0 }]);
    expect(await ctx.store.licenseIndex.accounts(source)).toEqual(["acc-1", "acc-2"]);
    expect((await ctx.store.licenseIndex.ofCustomer("cust-1")).filter((r) => r.source === source)).toEqual([{ ...c, indexedAt: later }]);
    // An empty snapshot empties the account, which then no longer counts among the source's.
    await ctx.store.licenseIndex.replaceAccount(source, "acc-1", [], [], later);
    expect(await ctx.store.licenseIndex.accounts(source)).toEqual(["acc-2"]);
  });

  it("changes nothing when an event cannot be appended: the index keeps the last good snapshot", async () => {
    const source = unique("src");
    const a = license(source, "acc", "L-1");
    await ctx.store.licenseIndex.replaceAccount(source, "acc", [a], [event(a, "APPEARED")], T0);
    const before = await ctx.store.licenseEvents.latestCursor();
    const b = license(source, "acc", "L-2");
    const bad = { ...event(b, "APPEARED"), type: "NO_SUCH_TYPE" as LicenseEventType };
    await expect(
      ctx.store.licenseIndex.replaceAccount(source, "acc", [{ ...a, status: "BLOCKED" }, b], [event(a, "BLOCKED"), bad], T0),
    ).rejects.toThrow();
    expect(await ctx.store.licenseIndex.ofAccount(source, "acc")).toEqual([a]);
    expect(await ctx.store.licenseEvents.latestCursor()).toBe(before);
    expect((await ctx.store.licenseEvents.after(before - 1, { sources: [source] }, 10)).map((e) => e.type)).toEqual(["APPEARED"]);
  });

  it("runs in the caller's transaction, and rolls back with it", async () => {
    const source = unique("src");
    const a = license(source, "acc", "L-1");
    await expect(
      ctx.store.transaction(async (tx) => {
        await tx.licenseIndex.replaceAccount(source, "acc", [a], [event(a, "APPEARED")], T0);
        expect(await tx.licenseIndex.ofAccount(source, "acc")).toEqual([a]);
        throw new Error("later step failed");
      }),
    ).rejects.toThrow("later step failed");
    expect(await ctx.store.licenseIndex.ofAccount(source, "acc")).toEqual([]);
    expect(await ctx.store.licenseEvents.after(0, { sources: [source] }, 10)).toEqual([]);
  });

  it("moves a license listed under another account of the source, and refuses a license of another account", async () => {
    const source = unique("src");
    const a = license(source, "acc-1", "L-1");
    await ctx.store.licenseIndex.replaceAccount(source, "acc-1", [a], [], T0);
    const moved = { ...a, account: "acc-2" };
    await ctx.store.licenseIndex.replaceAccount(source, "acc-2", [moved], [], T0);
    expect(await ctx.store.licenseIndex.ofAccount(source, "acc-1")).toEqual([]);
    expect(await ctx.store.licenseIndex.ofAccount(source, "acc-2")).toEqual([moved]);
    await expect(ctx.store.licenseIndex.replaceAccount(source, "acc-3", [moved], [], T0)).rejects.toThrow(/got license L-1/);
  });

  describe("page", () => {
    const source = unique("page");
    const other = unique("page-other");
    const at = (days: number) => new Date(T0.getTime() + days * DAY);
    // 14 licenses: several sharing an expiry (ties broken by source, external id), some without one (last).
    const rows: IndexedLicense[] = [
      ...Array.from({ length: 10 }, (_, i) =>
        license(source, `acc-${i % 2}`, `L-${String(i).padStart(2, "0")}`, {
          customerId: i % 3 === 0 ? "cust-a" : "cust-b",
          status: i % 4 === 0 ? "EXPIRED" : "ACTIVE",
          expiresAt: i < 8 ? at(i % 4) : null,
          nodeIds: i % 2 === 0 ? [] : [`node-${i}`],
        }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        license(other, "acc", `M-${i}`, { customerId: "cust-c", expiresAt: i < 2 ? at(1) : null, status: "BLOCKED" }),
      ),
    ];
    const key = (r: IndexedLicense) => `${r.source}/${r.externalId}`;
    const scoped = (filter: LicenseIndexFilter): LicenseIndexFilter => ({ sources: [source, other], ...filter });

    /** Every row, page by page, `size` at a time. */
    async function all(filter: LicenseIndexFilter, size: number) {
      const seen: string[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await ctx.store.licenseIndex.page(scoped(filter), size, after);
        seen.push(...page.rows.map(key));
        if (!page.hasNextPage) {
          expect(page.rows.length).toBeLessThanOrEqual(size);
          return seen;
        }
        expect(page.rows).toHaveLength(size);
        after = page.endCursor!;
      }
      throw new Error("never ended");
    }

    /** What `page` must return, from the rows themselves. */
    function expected(match: (r: IndexedLicense) => boolean): string[] {
      return rows
        .filter(match)
        .sort(
          (a, b) =>
            (a.expiresAt?.getTime() ?? Infinity) - (b.expiresAt?.getTime() ?? Infinity) ||
            a.source.localeCompare(b.source) ||
            a.externalId.localeCompare(b.externalId),
        )
        .map(key);
    }

    it("pages through every row in order, without gaps or repeats, whatever the page size", async () => {
      for (const account of ["acc-0", "acc-1"])
        await ctx.store.licenseIndex.replaceAccount(
          source,
          account,
          rows.filter((r) => r.source === source && r.account === account),
          [],
          T0,
        );
      await ctx.store.licenseIndex.replaceAccount(
        other,
        "acc",
        rows.filter((r) => r.source === other),
        [],
        T0,
      );
      const everything = expected(() => true);
      expect(everything).toHaveLength(14);
      for (const size of [1, 3, 5, 14, 20]) expect(await all({}, size)).toEqual(everything);
      const first = await ctx.store.licenseIndex.page(scoped({}), 2);
      expect(first.rows[0]).toMatchObject({ indexedAt: T0 });
      expect(await ctx.store.licenseIndex.page(scoped({}), 0)).toEqual({ rows: [], endCursor: null, hasNextPage: true });
    });

    it("filters by status, sources, expiry, claim and customers, each alone and together", async () => {
      const cases: Array<[LicenseIndexFilter, (r: IndexedLicense) => boolean]> = [
        [{ status: ["EXPIRED"] }, (r) => r.status === "EXPIRED"],
        [{ status: ["ACTIVE", "BLOCKED"] }, (r) => r.status !== "EXPIRED"],
        [{ status: [] }, () => false],
        [{ sources: [other] }, (r) => r.source === other],
        [{ expiresBefore: at(2) }, (r) => r.expiresAt !== null && r.expiresAt < at(2)],
        [{ unclaimed: true }, (r) => r.nodeIds.length === 0],
        [{ unclaimed: false }, (r) => r.nodeIds.length > 0],
        [{ customerIds: ["cust-a", "cust-c"] }, (r) => r.customerId === "cust-a" || r.customerId === "cust-c"],
        [{ customerIds: [] }, () => false],
        [
          { customerIds: ["cust-b"], status: ["ACTIVE"], unclaimed: false, expiresBefore: at(3) },
          (r) => r.customerId === "cust-b" && r.status === "ACTIVE" && r.nodeIds.length > 0 && r.expiresAt !== null && r.expiresAt < at(3),
        ],
      ];
      for (const [filter, match] of cases) {
        const want = expected(match);
        expect(await all(filter, 2), JSON.stringify(filter)).toEqual(want);
        expect(await all(filter, 50), JSON.stringify(filter)).toEqual(want);
      }
    });

    it("goes on from a cursor whose row is gone, and refuses a cursor it did not make", async () => {
      const page = await ctx.store.licenseIndex.page(scoped({}), 3);
      const rest = expected(() => true).slice(3);
      // The page's last row goes away; its cursor still says where the next page starts.
      const gone = page.rows.at(-1)!;
      await ctx.store.licenseIndex.replaceAccount(
        gone.source,
        gone.account,
        rows.filter((r) => r.source === gone.source && r.account === gone.account && r.externalId !== gone.externalId),
        [],
        T0,
      );
      const next = await ctx.store.licenseIndex.page(scoped({}), 50, page.endCursor!);
      expect(next.rows.map(key)).toEqual(rest);
      for (const bad of ["nope", Buffer.from("[1,2]").toString("base64url"), Buffer.from('["x","s","e"]').toString("base64url")])
        await expect(ctx.store.licenseIndex.page({}, 2, bad)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
      await expect(ctx.store.licenseIndex.page({}, -1)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    });
  });
});

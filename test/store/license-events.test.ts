import { describe, expect, it } from "vitest";
import type { LicenseEventType, NewLicenseEvent } from "../../src/domain/license-events.js";
import { bindStore } from "../../src/store/store.js";
import { engines, unique, useEngine } from "./engines.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");

function event(source: string, type: LicenseEventType, rest: Partial<NewLicenseEvent> = {}): NewLicenseEvent {
  return {
    type,
    at: T0,
    origin: "SYNC",
    source,
    externalId: "L-1",
    customerId: null,
    status: "ACTIVE",
    previousStatus: null,
    nodeId: null,
    expiresAt: null,
    thresholdDays: null,
    ...rest,
  };
}

describe.each(engines)("the license event log on $name", (engine) => {
  const ctx = useEngine(engine);

  it("appends events with strictly ascending cursors and reads back every field", async () => {
    const source = unique("src");
    const full = event(source, "EXPIRING", {
      at: new Date("2026-02-03T04:05:06.789Z"),
      origin: "MUTATION",
      externalId: "Ünï-1",
      customerId: "cust-1",
      status: "ACTIVE",
      previousStatus: "INACTIVE",
      nodeId: "node-1",
      expiresAt: new Date("2026-03-01T00:00:00.000Z"),
      thresholdDays: 30,
    });
    const first = await ctx.store.licenseEvents.append([full, event(source, "APPEARED"), event(source, "CLAIMED", { nodeId: "n" })]);
    expect(first.map((e) => e.type)).toEqual(["EXPIRING", "APPEARED", "CLAIMED"]);
    expect(first[0]).toEqual({ ...full, cursor: first[0]!.cursor });
    const second = await ctx.store.licenseEvents.append([event(source, "REMOVED")]);
    const cursors = [...first, ...second].map((e) => e.cursor);
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(new Set(cursors).size).toBe(4);
    expect(await ctx.store.licenseEvents.latestCursor()).toBe(second[0]!.cursor);
    expect(await ctx.store.licenseEvents.after(first[0]!.cursor - 1, { sources: [source] }, 100)).toEqual([...first, ...second]);
    expect(await ctx.store.licenseEvents.append([])).toEqual([]);
  });

  it("reads after a cursor, ascending, at most `limit`, filtered by customers, sources and types", async () => {
    const [s1, s2] = [unique("s1"), unique("s2")];
    const start = await ctx.store.licenseEvents.latestCursor();
    const appended = await ctx.store.licenseEvents.append([
      event(s1, "APPEARED", { customerId: "cust-a" }),
      event(s1, "CLAIMED", { customerId: "cust-b", nodeId: "n-1" }),
      event(s2, "APPEARED", { customerId: null }),
      event(s2, "BLOCKED", { customerId: "cust-a", status: "BLOCKED", previousStatus: "ACTIVE" }),
      event(s1, "RELEASED", { customerId: "cust-a", nodeId: "n-1" }),
    ]);
    const types = (events: Array<{ type: string; source: string }>) => events.map((e) => `${e.source === s1 ? "s1" : "s2"}:${e.type}`);
    const mine = { sources: [s1, s2] };
    expect(types(await ctx.store.licenseEvents.after(start, mine, 100))).toEqual([
      "s1:APPEARED",
      "s1:CLAIMED",
      "s2:APPEARED",
      "s2:BLOCKED",
      "s1:RELEASED",
    ]);
    expect(types(await ctx.store.licenseEvents.after(start, mine, 2))).toEqual(["s1:APPEARED", "s1:CLAIMED"]);
    expect(types(await ctx.store.licenseEvents.after(appended[1]!.cursor, mine, 2))).toEqual(["s2:APPEARED", "s2:BLOCKED"]);
    expect(types(await ctx.store.licenseEvents.after(start, { ...mine, customerIds: ["cust-a"] }, 100))).toEqual([
      "s1:APPEARED",
      "s2:BLOCKED",
      "s1:RELEASED",
    ]);
    // A customer filter never matches an event of no customer.
    expect(types(await ctx.store.licenseEvents.after(start, { ...mine, customerIds: ["cust-a", "cust-b"] }, 100))).not.toContain(
      "s2:APPEARED",
    );
    expect(types(await ctx.store.licenseEvents.after(start, { sources: [s2] }, 100))).toEqual(["s2:APPEARED", "s2:BLOCKED"]);
    expect(types(await ctx.store.licenseEvents.after(start, { ...mine, types: ["APPEARED", "RELEASED"] }, 100))).toEqual([
      "s1:APPEARED",
      "s2:APPEARED",
      "s1:RELEASED",
    ]);
    expect(
      types(await ctx.store.licenseEvents.after(start, { sources: [s1], types: ["CLAIMED", "RELEASED"], customerIds: ["cust-a"] }, 100)),
    ).toEqual(["s1:RELEASED"]);
    expect(await ctx.store.licenseEvents.after(start, { ...mine, types: [] }, 100)).toEqual([]);
    expect(await ctx.store.licenseEvents.after(start, mine, 0)).toEqual([]);
    expect(await ctx.store.licenseEvents.after(appended.at(-1)!.cursor, mine, 100)).toEqual([]);
  });

  it("prunes by time, and never hands out a pruned cursor again", async () => {
    const source = unique("old");
    const old = new Date("2001-01-01T00:00:00.000Z");
    const appended = await ctx.store.licenseEvents.append([
      event(source, "APPEARED", { at: old }),
      event(source, "ACTIVATED", { at: old }),
      event(source, "CLAIMED", { at: new Date("2002-01-01T00:00:00.000Z"), nodeId: "n" }),
    ]);
    const highest = appended.at(-1)!.cursor;
    expect(await ctx.store.licenseEvents.prune(new Date("2001-06-01T00:00:00.000Z"))).toBe(2);
    expect((await ctx.store.licenseEvents.after(0, { sources: [source] }, 10)).map((e) => e.type)).toEqual(["CLAIMED"]);
    expect(await ctx.store.licenseEvents.prune(new Date("2003-01-01T00:00:00.000Z"))).toBe(1);
    // The newest event pruned too: the next one still follows every cursor handed out before.
    const [next] = await ctx.store.licenseEvents.append([event(source, "REMOVED", { at: old })]);
    expect(next!.cursor).toBeGreaterThan(highest);
    expect(await ctx.store.licenseEvents.prune(new Date("2001-06-01T00:00:00.000Z"))).toBe(1);
    expect(await ctx.store.licenseEvents.after(0, { sources: [source] }, 10)).toEqual([]);
  });

  it("appends within the caller's transaction, and rolls back with it", async () => {
    const source = unique("tx");
    await expect(
      ctx.store.transaction(async (tx) => {
        const [appended] = await tx.licenseEvents.append([event(source, "APPEARED")]);
        expect(await tx.licenseEvents.latestCursor()).toBe(appended!.cursor);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await ctx.store.licenseEvents.after(0, { sources: [source] }, 10)).toEqual([]);
  });

  it.runIf(engine.name === "postgres")(
    "commits cursors in the order it hands them out: a reader never finds a smaller cursor after a larger one",
    async () => {
      const other = bindStore(await ctx.connect());
      const source = unique("order");
      // The first append holds its transaction open; the second, on another connection, must wait for it rather than
      // commit a larger cursor first (which a reader going on from the larger one would then never see).
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let firstAppended!: () => void;
      const appendedFirst = new Promise<void>((resolve) => (firstAppended = resolve));
      const slow = ctx.store.transaction(async (tx) => {
        const events = await tx.licenseEvents.append([event(source, "APPEARED")]);
        firstAppended();
        await held;
        return events;
      });
      await appendedFirst;
      let fastDone = false;
      const fast = other.licenseEvents.append([event(source, "REMOVED")]).then((events) => {
        fastDone = true;
        return events;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(fastDone).toBe(false);
      release();
      const [[a], [b]] = await Promise.all([slow, fast]);
      expect(b!.cursor).toBeGreaterThan(a!.cursor);
    },
  );
});

import { describe, expect, it } from "vitest";
import type { IndexedLicense } from "../../src/domain/license-events.js";
import { detectChanges, type PreviousLicense } from "../../src/sync/change-detection.js";

const DAY = 86_400_000;
const now = new Date("2026-06-01T12:00:00Z");
const lastSync = new Date(now.getTime() - 60_000);
const THRESHOLDS = [30, 7];

function lic(externalId: string, patch: Partial<IndexedLicense> = {}): IndexedLicense {
  return {
    source: "sofar",
    externalId,
    account: "acct-1",
    customerId: "cust-1",
    status: "ACTIVE",
    type: "residential",
    activatedAt: new Date("2026-01-01T00:00:00Z"),
    expiresAt: new Date("2027-01-01T00:00:00Z"),
    nodeIds: [],
    ...patch,
  };
}

const inDays = (days: number, from = now) => new Date(from.getTime() + days * DAY);
const detect = (before: PreviousLicense[], after: IndexedLicense[], at = now, previousAt: Date | undefined = lastSync) =>
  detectChanges(before, after, at, THRESHOLDS, previousAt);
const brief = (events: ReturnType<typeof detectChanges>) =>
  events.map((e) => [e.externalId, e.type, e.previousStatus, e.status, e.nodeId, e.thresholdDays]);

describe("detectChanges", () => {
  it("reports nothing when nothing changed", () => {
    const licenses = [lic("a", { nodeIds: ["n1", "n2"] }), lic("b", { status: "BLOCKED" })];
    expect(
      detect(
        licenses,
        licenses.map((l) => ({ ...l, nodeIds: [...l.nodeIds] })),
      ),
    ).toEqual([]);
    expect(detect([], [])).toEqual([]);
  });

  it("reports a new license as APPEARED alone, whatever its state", () => {
    const events = detect([], [lic("a", { status: "BLOCKED", nodeIds: ["n1"], expiresAt: inDays(3) })]);
    expect(events).toEqual([
      {
        type: "APPEARED",
        at: now,
        origin: "SYNC",
        source: "sofar",
        externalId: "a",
        customerId: "cust-1",
        status: "BLOCKED",
        previousStatus: null,
        nodeId: null,
        expiresAt: inDays(3),
        thresholdDays: null,
      },
    ]);
  });

  it("reports a license no longer listed as REMOVED, with the status and customer it last had", () => {
    const [removed] = detect([lic("a", { status: "EXPIRED", customerId: "cust-9" })], []);
    expect(removed).toMatchObject({ type: "REMOVED", externalId: "a", status: "EXPIRED", customerId: "cust-9", previousStatus: null });
  });

  it.each([
    ["INACTIVE", "ACTIVE", ["ACTIVATED"]],
    ["ACTIVE", "BLOCKED", ["BLOCKED"]],
    ["INACTIVE", "BLOCKED", ["BLOCKED"]],
    ["BLOCKED", "ACTIVE", ["UNBLOCKED"]],
    ["BLOCKED", "INACTIVE", ["UNBLOCKED"]],
    ["BLOCKED", "EXPIRED", ["UNBLOCKED", "EXPIRED"]],
    ["ACTIVE", "EXPIRED", ["EXPIRED"]],
    ["INACTIVE", "EXPIRED", ["EXPIRED"]],
    ["ACTIVE", "DEACTIVATED", ["STATUS_CHANGED"]],
    ["EXPIRED", "ACTIVE", ["STATUS_CHANGED"]],
    ["DEACTIVATED", "INACTIVE", ["STATUS_CHANGED"]],
  ] as const)("status %s to %s is %j", (from, to, types) => {
    const events = detect([lic("a", { status: from })], [lic("a", { status: to })]);
    expect(events.map((e) => e.type)).toEqual(types);
    for (const e of events) expect(e).toMatchObject({ status: to, previousStatus: from, nodeId: null });
  });

  it("reports each node id added as CLAIMED and each removed as RELEASED", () => {
    const events = detect([lic("a", { nodeIds: ["n1", "n2"] })], [lic("a", { nodeIds: ["n2", "n3", "n4"] })]);
    expect(brief(events)).toEqual([
      ["a", "CLAIMED", null, "ACTIVE", "n3", null],
      ["a", "CLAIMED", null, "ACTIVE", "n4", null],
      ["a", "RELEASED", null, "ACTIVE", "n1", null],
    ]);
  });

  it("reports a license activated and claimed between two syncs as both, in the fixed type order", () => {
    const events = detect([lic("a", { status: "INACTIVE", expiresAt: null })], [lic("a", { nodeIds: ["n1"] })]);
    expect(events.map((e) => e.type)).toEqual(["ACTIVATED", "CLAIMED"]);
  });

  it("orders events by externalId, then type, whatever the input order", () => {
    const before = [lic("c"), lic("b", { nodeIds: ["n1"] }), lic("a")];
    const after = [lic("d"), lic("b", { status: "BLOCKED" }), lic("a", { nodeIds: ["z", "m"] })];
    const expected = [
      ["a", "CLAIMED", null, "ACTIVE", "m", null],
      ["a", "CLAIMED", null, "ACTIVE", "z", null],
      ["b", "RELEASED", null, "BLOCKED", "n1", null],
      ["b", "BLOCKED", "ACTIVE", "BLOCKED", null, null],
      ["c", "REMOVED", null, "ACTIVE", null, null],
      ["d", "APPEARED", null, "ACTIVE", null, null],
    ];
    // RELEASED before BLOCKED: LICENSE_EVENT_TYPES' order (link events before the blocking ones).
    expect(brief(detect(before, after))).toEqual(expected);
    expect(brief(detect([...before].reverse(), [...after].reverse()))).toEqual(expected);
  });

  it("tells licenses apart by source as well as externalId", () => {
    const events = detect([lic("a")], [lic("a", { source: "cryptolens" })]);
    expect(events.map((e) => [e.source, e.type])).toEqual([
      ["cryptolens", "APPEARED"],
      ["sofar", "REMOVED"],
    ]);
  });

  describe("EXPIRING", () => {
    it("fires once when the expiry comes within 30 days, and not again at the next sync", () => {
      // 30 days less 30 s from now: at the previous sync, a minute ago, it was 30 days and 30 s away.
      const expiresAt = new Date(inDays(30).getTime() - 30_000);
      const first = detect([lic("a", { expiresAt })], [lic("a", { expiresAt })]);
      expect(brief(first)).toEqual([["a", "EXPIRING", null, "ACTIVE", null, 30]]);
      expect(first[0]!.expiresAt).toEqual(expiresAt);
      // The next sync, an hour later: already within 30 days at the previous one.
      const later = new Date(now.getTime() + 3_600_000);
      expect(detect([lic("a", { expiresAt })], [lic("a", { expiresAt })], later, now)).toEqual([]);
    });

    it("does not fire when the expiry is still further than the widest threshold", () => {
      expect(detect([lic("a", { expiresAt: inDays(31) })], [lic("a", { expiresAt: inDays(31) })])).toEqual([]);
    });

    it("fires 7 after 30, each when it is crossed", () => {
      const expiresAt = inDays(6.9);
      const previous = new Date(expiresAt.getTime() - 8 * DAY);
      expect(brief(detect([lic("a", { expiresAt })], [lic("a", { expiresAt })], now, previous))).toEqual([
        ["a", "EXPIRING", null, "ACTIVE", null, 7],
      ]);
    });

    it("fires only the tightest threshold when one sync crosses 30 and 7 at once", () => {
      const expiresAt = inDays(5);
      const previous = new Date(expiresAt.getTime() - 40 * DAY);
      const events = detect([lic("a", { expiresAt })], [lic("a", { expiresAt })], now, previous);
      expect(brief(events)).toEqual([["a", "EXPIRING", null, "ACTIVE", null, 7]]);
    });

    it("fires again after a renewal moved the expiry date, once it comes within a threshold again", () => {
      const old = inDays(5);
      const renewed = inDays(25);
      // Renewed from 5 to 25 days: within 30 again, for a new expiry date.
      expect(brief(detect([lic("a", { expiresAt: old })], [lic("a", { expiresAt: renewed })]))).toEqual([
        ["a", "EXPIRING", null, "ACTIVE", null, 30],
      ]);
      // Renewed to a year away: nothing yet.
      expect(detect([lic("a", { expiresAt: old })], [lic("a", { expiresAt: inDays(365) })])).toEqual([]);
    });

    it("reads the previous sync's time from the rows' indexedAt when not given", () => {
      const expiresAt = inDays(20);
      const wasFar = { ...lic("a", { expiresAt }), indexedAt: inDays(-15) };
      const wasNear = { ...lic("a", { expiresAt }), indexedAt: inDays(-1) };
      expect(detectChanges([wasFar], [lic("a", { expiresAt })], now, THRESHOLDS).map((e) => e.thresholdDays)).toEqual([30]);
      expect(detectChanges([wasNear], [lic("a", { expiresAt })], now, THRESHOLDS)).toEqual([]);
    });

    it("fires nothing when the previous sync's time is unknown, rather than twice", () => {
      expect(detectChanges([lic("a", { expiresAt: inDays(3) })], [lic("a", { expiresAt: inDays(3) })], now, THRESHOLDS)).toEqual([]);
    });

    it("is for ACTIVE licenses only, and fires when one becomes ACTIVE within a threshold", () => {
      const expiresAt = inDays(10);
      const previous = inDays(-30);
      expect(detect([lic("a", { expiresAt, status: "BLOCKED" })], [lic("a", { expiresAt, status: "BLOCKED" })], now, previous)).toEqual([]);
      expect(brief(detect([lic("a", { expiresAt, status: "BLOCKED" })], [lic("a", { expiresAt })], now, inDays(-1)))).toEqual([
        ["a", "UNBLOCKED", "BLOCKED", "ACTIVE", null, null],
        ["a", "EXPIRING", null, "ACTIVE", null, 30],
      ]);
    });

    it("does not fire for a license already past its expiry or without one", () => {
      expect(detect([lic("a", { expiresAt: inDays(-1) })], [lic("a", { expiresAt: inDays(-1) })], now, inDays(-40))).toEqual([]);
      expect(detect([lic("a", { expiresAt: null })], [lic("a", { expiresAt: null })], now, inDays(-40))).toEqual([]);
    });

    it("takes thresholds in any order, repeats ignored", () => {
      const expiresAt = inDays(5);
      const events = detectChanges([lic("a", { expiresAt })], [lic("a", { expiresAt })], now, [7, 30, 7], inDays(-40));
      expect(events.map((e) => e.thresholdDays)).toEqual([7]);
    });
  });
});

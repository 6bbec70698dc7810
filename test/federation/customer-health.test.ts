import { describe, expect, it } from "vitest";
import { customerHealth, type IndexedRow } from "../../src/federation/customer-health.js";

const NOW = new Date("2026-12-06T00:00:00Z");
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000);

function license(externalId: string, over: Partial<IndexedRow> = {}): IndexedRow {
  return {
    source: "sofar",
    externalId,
    account: "acc-1",
    customerId: "c1",
    status: "ACTIVE",
    type: "solar",
    activatedAt: days(-300),
    expiresAt: days(100),
    nodeIds: [],
    indexedAt: NOW,
    ...over,
  };
}

const ids = (rows: readonly IndexedRow[]) => rows.map((r) => `${r.source}:${r.externalId}`);

describe("customerHealth: expiring without replacement", () => {
  it("lists an active license ending within the horizon, and not one ending after it, already ended, or without an end", () => {
    const report = customerHealth(
      [
        license("soon", { expiresAt: days(10) }),
        license("later", { expiresAt: days(40), type: "battery" }),
        license("ended", { expiresAt: days(-1), type: "ev" }),
        license("endless", { expiresAt: null, type: "grid" }),
      ],
      [],
      NOW,
      30,
    );
    expect(ids(report.expiringWithoutReplacement)).toEqual(["sofar:soon"]);
  });

  it("a license claiming the same controller that runs longer replaces it, whatever its type or source; one on another controller does not", () => {
    const expiring = license("old", { expiresAt: days(5), nodeIds: ["n1"] });
    const elsewhere = license("other", { expiresAt: days(400), nodeIds: ["n2"] });
    expect(ids(customerHealth([expiring, elsewhere], [], NOW, 30).expiringWithoutReplacement)).toEqual(["sofar:old"]);
    const successor = license("new", { source: "cryptolens", type: "other", status: "INACTIVE", expiresAt: null, nodeIds: ["n1"] });
    expect(customerHealth([expiring, successor], [], NOW, 30).expiringWithoutReplacement).toEqual([]);
  });

  it("a successor must run longer and be usable: one ending sooner, blocked or expired does not count", () => {
    const expiring = license("old", { expiresAt: days(20), nodeIds: ["n1"] });
    for (const other of [
      license("shorter", { expiresAt: days(10), nodeIds: ["n1"] }),
      license("blocked", { status: "BLOCKED", expiresAt: days(400), nodeIds: ["n1"] }),
      license("deactivated", { status: "DEACTIVATED", expiresAt: days(400), nodeIds: ["n1"] }),
    ]) {
      expect(ids(customerHealth([expiring, other], [], NOW, 30).expiringWithoutReplacement)).toContain("sofar:old");
    }
  });

  it("an unclaimed expiring license is replaced by a longer one of the same type, not of another type", () => {
    const expiring = license("old", { expiresAt: days(3) });
    expect(customerHealth([expiring, license("same", { expiresAt: days(500) })], [], NOW, 30).expiringWithoutReplacement).toEqual([]);
    expect(
      ids(customerHealth([expiring, license("different", { type: "ev", expiresAt: days(500) })], [], NOW, 30).expiringWithoutReplacement),
    ).toEqual(["sofar:old"]);
  });
});

describe("customerHealth: controllers and conflicts", () => {
  it("lists the customer's controllers that no active license claims", () => {
    const report = customerHealth(
      [
        license("a", { nodeIds: ["n1"] }),
        license("b", { status: "EXPIRED", nodeIds: ["n2"] }),
        license("c", { status: "INACTIVE", nodeIds: ["n3"] }),
      ],
      ["n3", "n1", "n2", "n4"],
      NOW,
      30,
    );
    expect(report.controllersWithoutActiveLicense).toEqual(["n2", "n3", "n4"]);
  });

  it("flags two active licenses of one type on a controller, and active licenses at two sources, each once", () => {
    const report = customerHealth(
      [
        license("a", { nodeIds: ["n1"] }),
        license("b", { nodeIds: ["n1"] }),
        license("c", { source: "cryptolens", type: "battery", nodeIds: ["n2"] }),
        license("d", { type: "ev", nodeIds: ["n2"] }),
        license("e", { type: "ev", nodeIds: ["n3"] }),
        license("f", { type: "ev", status: "EXPIRED", nodeIds: ["n3"] }),
      ],
      [],
      NOW,
      30,
    );
    expect(report.claimConflicts.map((c) => [c.nodeId, c.reason, ids(c.licenses)])).toEqual([
      ["n1", "SAME_TYPE_TWICE", ["sofar:a", "sofar:b"]],
      ["n2", "SEVERAL_SOURCES", ["cryptolens:c", "sofar:d"]],
    ]);
  });

  it("reports nothing for a healthy customer", () => {
    const report = customerHealth([license("a", { nodeIds: ["n1"] })], ["n1"], NOW, 30);
    expect(report).toEqual({ expiringWithoutReplacement: [], controllersWithoutActiveLicense: [], claimConflicts: [] });
  });
});

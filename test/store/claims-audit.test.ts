import { describe, expect, it } from "vitest";
import { engines, unique, useEngine } from "./engines.js";

describe.each(engines)("claims and audit on $name", (engine) => {
  const ctx = useEngine(engine);

  it("records a claim and finds it by license, node and vendor datalink", async () => {
    const [ext, nodeId] = [unique("lic"), unique("node")];
    const claim = await ctx.store.claims.record({ source: "sofar", licenseExternalId: ext, licenseKey: "K-1", nodeId });
    expect(claim).toMatchObject({ source: "sofar", licenseExternalId: ext, licenseKey: "K-1", nodeId, vendorDatalinkId: null });
    expect(claim.createdAt).toBeInstanceOf(Date);
    expect(await ctx.store.claims.ofLicenses("sofar", [ext])).toEqual([claim]);
    expect(await ctx.store.claims.ofLicenses("eniris", [ext])).toEqual([]);
    const other = await ctx.store.claims.record({ source: "cryptolens", licenseExternalId: ext, licenseKey: "K-2", nodeId });
    // Several sources in one query: each (source, license) pair matches only its own rows.
    expect(
      await ctx.store.claims.ofLicensesAt([
        { source: "sofar", externalId: ext },
        { source: "eniris", externalId: ext },
      ]),
    ).toEqual([claim]);
    expect(
      new Set(
        await ctx.store.claims.ofLicensesAt([
          { source: "sofar", externalId: ext },
          { source: "cryptolens", externalId: ext },
        ]),
      ),
    ).toEqual(new Set([claim, other]));
    expect(await ctx.store.claims.remove("cryptolens", ext, nodeId)).toEqual(other);
    expect(await ctx.store.claims.ofNodes([nodeId])).toEqual([claim]);
    expect(await ctx.store.claims.ofSource("sofar")).toContainEqual(claim);

    const linked = await ctx.store.claims.setVendorDatalinkId(claim.id, "dl-42");
    expect(linked).toEqual({ ...claim, vendorDatalinkId: "dl-42" });
    expect(await ctx.store.claims.byVendorDatalinks("sofar", ["dl-42"])).toEqual([linked]);
    expect(await ctx.store.claims.setVendorDatalinkId("not-a-uuid", "x")).toBeNull();
  });

  it("refuses a second claim of the same license with LICENSE_ALREADY_CLAIMED", async () => {
    const ext = unique("lic");
    await ctx.store.claims.record({ source: "local", licenseExternalId: ext, licenseKey: "K-2", nodeId: unique("a") });
    await expect(
      ctx.store.claims.record({ source: "local", licenseExternalId: ext, licenseKey: "K-2", nodeId: unique("b") }),
    ).rejects.toMatchObject({
      code: "LICENSE_ALREADY_CLAIMED",
      field: ["input", "key"],
    });
    // The same external id at another source is another license.
    await ctx.store.claims.record({ source: "sofar", licenseExternalId: ext, licenseKey: "K-2", nodeId: unique("c") });
  });

  it("appends audit entries with JSON input (arrays included) and reads them newest first", async () => {
    const op = unique("op");
    const ok = await ctx.store.audit.append({
      operation: op,
      principal: "alice",
      input: { keys: ["a", "b"] },
      outcome: "ok",
      result: [1, 2],
    });
    const failed = await ctx.store.audit.append({ operation: op, input: ["raw"], outcome: "error", errorCode: "NOT_FOUND" });
    expect(typeof ok.id).toBe("number");
    expect(ok.at).toBeInstanceOf(Date);
    expect(ok).toMatchObject({ principal: "alice", input: { keys: ["a", "b"] }, outcome: "ok", errorCode: null, result: [1, 2] });
    expect(failed).toMatchObject({ principal: null, input: ["raw"], outcome: "error", errorCode: "NOT_FOUND", result: null });
    expect((await ctx.store.audit.recent(2)).map((r) => r.id)).toEqual([failed.id, ok.id]);
  });

  it("keeps an audit entry written inside a committed transaction and drops it with a rolled back one", async () => {
    const op = unique("tx");
    await ctx.store.transaction((tx) => tx.audit.append({ operation: op, input: {}, outcome: "ok" }));
    await ctx.store
      .transaction(async (tx) => {
        await tx.audit.append({ operation: `${op}-lost`, input: {}, outcome: "ok" });
        throw new Error("rollback");
      })
      .catch(() => {});
    const ops = (await ctx.store.audit.recent(10)).map((r) => r.operation);
    expect(ops).toContain(op);
    expect(ops).not.toContain(`${op}-lost`);
  });
});

import { describe, expect, it } from "vitest";
import { engines, unique, useEngine } from "./engines.js";

describe.each(engines)("claims of exclusive and multi-controller licenses on $name (migration 2)", (engine) => {
  const ctx = useEngine(engine);

  it("lets a non-exclusive license (a Cryptolens key) be claimed for several controllers, once each", async () => {
    const ext = unique("key");
    const [a, b] = [unique("node"), unique("node")];
    await ctx.store.claims.recordAccepted({ source: "cryptolens", licenseExternalId: ext, licenseKey: "K", nodeId: a, exclusive: false });
    await ctx.store.claims.recordAccepted({ source: "cryptolens", licenseExternalId: ext, licenseKey: "K", nodeId: b, exclusive: false });
    await ctx.store.claims.recordAccepted({ source: "cryptolens", licenseExternalId: ext, licenseKey: "K", nodeId: b, exclusive: false });
    expect((await ctx.store.claims.ofLicenses("cryptolens", [ext])).map((c) => c.nodeId).sort()).toEqual([a, b].sort());
  });

  it("moves an exclusive vendor claim to the node the vendor just accepted", async () => {
    const ext = unique("lic");
    const [a, b] = [unique("node"), unique("node")];
    await ctx.store.claims.recordAccepted({ source: "sofar", licenseExternalId: ext, licenseKey: "K", nodeId: a });
    await ctx.store.claims.recordAccepted({ source: "sofar", licenseExternalId: ext, licenseKey: "K", nodeId: b });
    expect((await ctx.store.claims.ofLicenses("sofar", [ext])).map((c) => c.nodeId)).toEqual([b]);
  });

  it("keeps the account a gateway-kept claim was found under, and removes exactly one claim", async () => {
    const ext = unique("lic");
    const node = unique("node");
    const claim = await ctx.store.claims.record({
      source: "flashstart",
      licenseExternalId: ext,
      licenseKey: "K",
      nodeId: node,
      licenseAccount: "5001",
    });
    expect(claim.licenseAccount).toBe("5001");
    expect(await ctx.store.claims.remove("flashstart", ext, unique("other"))).toBeNull();
    expect(await ctx.store.claims.remove("flashstart", ext, node)).toEqual(claim);
    expect(await ctx.store.claims.ofLicenses("flashstart", [ext])).toEqual([]);
  });
});

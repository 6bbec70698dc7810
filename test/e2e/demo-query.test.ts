import { describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

const t = useTestGateway();

const DEMO_QUERY = `{ customers { edges { node { name licenses { key status source { id } datalinks { controller { nodeId } } } } } } }`;

describe("the demo query from the README", () => {
  it("returns licenses from both Eniris brands, Cryptolens, Customerarea and the local store, with controllers where known", async () => {
    const res = await t.gql(DEMO_QUERY);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const licenses = res.body.data.customers.edges.flatMap((e: any) => e.node.licenses);
    expect(new Set(licenses.map((l: any) => l.source.id))).toEqual(new Set(["sofar", "smartgridone", "cryptolens", "flashstart", "local"]));
    const statuses = new Set(licenses.map((l: any) => l.status));
    for (const s of ["ACTIVE", "INACTIVE", "EXPIRED", "DEACTIVATED"]) expect(statuses).toContain(s);
    // Every link the simulators hold was made to a controller registered for its customer, so each resolves.
    const sofar = t.vendors.sofar.data;
    const claimedKey = sofar.examples.activeClaimedKey;
    const link = sofar.datalinks.find((d) => d.licenseId === sofar.licenses.find((l) => l.key === claimedKey)!.id)!;
    const claimed = licenses.find((l: any) => l.key === claimedKey);
    expect(claimed.datalinks).toEqual([{ controller: { nodeId: link.nodeId } }]);
  });

  it("serves GraphiQL from its own files at GET /graphql", async () => {
    const res = await fetch(t.gateway.url, { headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("AllCustomersAndLicenses");
    expect(html).not.toMatch(/<script[^>]+src=/i);
  });

  it("answers health checks", async () => {
    const base = t.gateway.url.replace(/\/graphql$/, "");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("lists its sources", async () => {
    const res = await t.gql(`{ sources { id kind state } }`);
    expect(res.body.data.sources.map((s: any) => [s.id, s.kind])).toEqual([
      ["sofar", "eniris"],
      ["smartgridone", "eniris"],
      ["cryptolens", "cryptolens"],
      ["flashstart", "customerarea"],
      ["esmart", "esmart"],
      ["local", "local"],
    ]);
  });
});

describe("a controller's licenses", () => {
  it("come from every source that links them, filtered by source and status on request", async () => {
    const sgo = t.vendors.smartgridone.data;
    const nodeId = sgo.examples.controllerWithLicensesNodeId;
    const expected = sgo.datalinks.filter((d) => d.nodeId === nodeId).map((d) => sgo.licenses.find((l) => l.id === d.licenseId)!.key);
    const res = await t.gql(
      `query($n: ID!) { controller(nodeId: $n) {
      nodeId name serialNumber customer { id }
      all: licenses { key }
      active: licenses(status: ACTIVE) { key status }
      sofarOnly: licenses(source: "sofar") { key }
    } }`,
      { n: nodeId },
    );
    expect(res.body.errors).toBeUndefined();
    const c = res.body.data.controller;
    expect(c.all.map((l: any) => l.key).sort()).toEqual([...expected].sort());
    expect(c.active.every((l: any) => l.status === "ACTIVE")).toBe(true);
    expect(c.active.length).toBeLessThan(c.all.length);
    expect(c.sofarOnly).toEqual([]);
    expect(c.name).toBe(sgo.controllers.find((x) => x.nodeId === nodeId)!.name);
    expect(c.customer).toEqual({ id: "demo-customer-1" });
  });

  it("a controller nobody knows is null, not an error", async () => {
    const res = await t.gql(`{ controller(nodeId: "nobody-knows-me") { nodeId } }`);
    expect(res.body).toEqual({ data: { controller: null } });
  });
});

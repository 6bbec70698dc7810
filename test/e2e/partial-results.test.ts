import { afterEach, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

// A short timeout for SmartgridOne so the timeout case is quick; the others keep the harness default. The cases fail
// the same sources one after another: their circuit breakers (tested in test/resilience) never open here, or a case
// would see the open circuit instead of its own fault.
const noCircuit = { circuit: { volumeThreshold: 1_000_000 } };
// Each test faults a vendor after others read it: no cross-request cache may answer in its place.
const t = useTestGateway({
  sourceOverrides: { sofar: { resilience: noCircuit }, smartgridone: { timeoutMs: 1_000, resilience: noCircuit } },
  cache: { enabled: false },
});
afterEach(() => t.resetCalls());

const QUERY = `{ customers { edges { node { name licenses { key source { id } } } } } }`;

function licenseSources(body: any): Set<string> {
  return new Set(body.data.customers.edges.flatMap((e: any) => e.node.licenses.map((l: any) => l.source.id)));
}

describe("one source failing costs only its own data", () => {
  it.each([
    ["a 500", { kind: "status", status: 500 } as const, "UPSTREAM_UNAVAILABLE"],
    ["a 503", { kind: "status", status: 503 } as const, "UPSTREAM_UNAVAILABLE"],
    ["a reset connection", { kind: "reset" } as const, "UPSTREAM_UNAVAILABLE"],
    ["a malformed body", { kind: "malformed" } as const, "UPSTREAM_BAD_RESPONSE"],
    ["a 429", { kind: "status", status: 429, headers: { "retry-after": "30" } } as const, "UPSTREAM_RATE_LIMITED"],
  ])("Sofar answering %s: the others still answer, with a coded error naming sofar", async (_, fault, code) => {
    t.vendors.sofar.fault({ server: "api", ...fault });
    const res = await t.gql(QUERY);
    // The gateway's status never mirrors a vendor's.
    expect(res.status).toBe(200);
    expect(licenseSources(res.body)).toEqual(new Set(["smartgridone", "cryptolens", "flashstart", "local"]));
    expect(res.body.errors?.length).toBeGreaterThan(0);
    for (const error of res.body.errors!) {
      expect(error.extensions).toMatchObject({ code, source: "sofar" });
      expect(error.path?.slice(-1)).toEqual(["licenses"]);
    }
  });

  it("reports a vendor timing out as UPSTREAM_TIMEOUT within the source's timeout", async () => {
    t.vendors.smartgridone.fault({ server: "api", kind: "timeout" });
    const started = Date.now();
    const res = await t.gql(QUERY);
    // Bounded by the source's timeout, not by the vendor (which never answers); a generous bound for busy machines.
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(licenseSources(res.body)).toEqual(new Set(["sofar", "cryptolens", "flashstart", "local"]));
    expect(res.body.errors!.every((e) => e.extensions?.code === "UPSTREAM_TIMEOUT" && e.extensions.source === "smartgridone")).toBe(true);
  });

  it("shows the failing source in Query.sources", async () => {
    t.vendors.sofar.fault({ server: "api", kind: "status", status: 500 });
    await t.gql(QUERY);
    const res = await t.gql(`{ sources { id state lastErrorCode } }`);
    expect(res.body.data.sources.find((s: any) => s.id === "sofar")).toEqual({
      id: "sofar",
      state: "FAILING",
      lastErrorCode: "UPSTREAM_UNAVAILABLE",
    });
    t.resetCalls();
    await t.gql(QUERY);
    const after = await t.gql(`{ sources { id state } }`);
    expect(after.body.data.sources.find((s: any) => s.id === "sofar").state).toBe("OK");
  });

  it("nulls a single-source field and keeps the rest of the response", async () => {
    t.vendors.sofar.fault({ server: "api", kind: "status", status: 500 });
    const res = await t.gql(
      `{ sofar: licenseByKey(source: "sofar", key: "SOFAR-RES-0001") { key } local: licenseByKey(source: "local", key: "LOC-DEMO-0001") { key } }`,
    );
    expect(res.body.data).toEqual({ sofar: null, local: { key: "LOC-DEMO-0001" } });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", source: "sofar" });
  });
});

describe("the vendor refusing the gateway's credentials", () => {
  const bad = useTestGateway({ sourceOverrides: { sofar: { refreshToken: "revoked-refresh-token" } } });

  it("is UPSTREAM_UNAUTHENTICATED (an operator problem), never empty data", async () => {
    const res = await bad.gql(QUERY);
    expect(res.status).toBe(200);
    expect(licenseSources(res.body)).toEqual(new Set(["smartgridone", "cryptolens", "flashstart", "local"]));
    expect(res.body.errors!.length).toBeGreaterThan(0);
    for (const error of res.body.errors!) expect(error.extensions).toMatchObject({ code: "UPSTREAM_UNAUTHENTICATED", source: "sofar" });
    expect(JSON.stringify(res.body)).not.toContain("revoked-refresh-token");
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { enirisDemoData } from "../../src/simulators/eniris/data.js";
import type { CallRecord } from "../../src/simulators/http-kit.js";
import { useTestGateway } from "../support/gateway.js";
import type { Scrape } from "./prometheus-text.js";
import { scrape } from "./scrape.js";

// Retries off where faults are scripted, so one failure is one request. Sofar's circuit opens on its first failures
// (10% of at least 2 calls); the other sources' never do here.
const t = useTestGateway({
  sourceOverrides: {
    sofar: { resilience: { retries: 0, circuit: { volumeThreshold: 2, errorThresholdPercentage: 10 } } },
    cryptolens: { resilience: { retries: 0 } },
    esmart: { timeoutMs: 300, resilience: { retries: 0 } },
  },
});

const CUSTOMER_LICENSES = `query CustomerLicenses { customers { edges { node { id accounts { source { id } externalId } licenses { key source { id } } } } } }`;
const SOFAR_NODE = enirisDemoData("sofar").controllers[0]!.nodeId;

/** Every request each vendor saw, by source id. */
function vendorCalls(): Record<string, CallRecord[]> {
  const v = t.vendors;
  return {
    sofar: v.sofar.calls.list(),
    smartgridone: v.smartgridone.calls.list(),
    cryptolens: v.cryptolens.calls.list(),
    flashstart: v.flashstart.calls.list(),
    esmart: v.esmart.calls.list(),
  };
}

describe("GET /metrics after a scripted run", () => {
  /** Values a label must never carry: what the script read (ids, keys) and the demo credentials. */
  const sensitive = new Set<string>();
  let metrics: Scrape;

  beforeAll(async () => {
    t.resetCalls();
    // Reads that reach every source, then the same again (a response cache hit), then another document over the
    // same vendor answers (source cache hits).
    const first = await t.gql(CUSTOMER_LICENSES);
    expect(first.body.errors).toBeUndefined();
    expect((await t.gql(CUSTOMER_LICENSES)).headers.get("cache-status")).toMatch(/; hit;/);
    expect((await t.gql(`query LicensesAgain { customers { edges { node { licenses { key } } } } }`)).body.errors).toBeUndefined();
    // A mutation (the store only).
    const added = await t.gql(
      `mutation AddController { upsertController(input: { nodeId: "metrics-ctrl-7781", customerId: "demo-customer-1" }) { nodeId } }`,
    );
    expect(added.body.errors).toBeUndefined();
    // Vendor failures: Sofar answers 500 (partial data), Cryptolens 500 for a lookup that only it answers (no data),
    // eSmart never answers (UPSTREAM_TIMEOUT, no status).
    t.vendors.sofar.fault({ server: "api", kind: "status", status: 500 });
    const partial = await t.gql(`query ControllerLicenses($n: ID!) { controller(nodeId: $n) { nodeId licenses { key } } }`, {
      n: SOFAR_NODE,
    });
    expect(partial.body.data.controller.nodeId).toBe(SOFAR_NODE);
    expect(partial.body.errors?.some((e) => e.extensions?.source === "sofar")).toBe(true);
    t.vendors.cryptolens.fault({ kind: "status", status: 500, times: 1 });
    const failed = await t.gql(`query CryptolensKey { licenseByKey(source: "cryptolens", key: "KXQMB-TRWAF-LZPNE-HDVGC") { key } }`);
    expect(failed.body).toMatchObject({
      data: { licenseByKey: null },
      errors: [{ extensions: { code: "UPSTREAM_UNAVAILABLE", source: "cryptolens" } }],
    });
    t.vendors.esmart.fault({ kind: "timeout", times: 1 });
    const timedOut = await t.gql(`query Profile { customer(id: "demo-customer-2") { profile { email } } }`);
    expect(timedOut.body.errors?.[0]?.extensions).toMatchObject({ code: "UPSTREAM_TIMEOUT", source: "esmart" });
    // Refusals: a document that does not parse (Apollo), a body that is not JSON (before Apollo).
    expect((await t.gql(`query Broken {`)).status).toBe(400);
    const notJson = await fetch(t.gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(notJson.status).toBe(400);

    metrics = await scrape(t.gateway.url);

    for (const edge of first.body.data.customers.edges) {
      sensitive.add(edge.node.id);
      for (const account of edge.node.accounts) sensitive.add(account.externalId);
      for (const license of edge.node.licenses) sensitive.add(license.key);
    }
    sensitive.add(SOFAR_NODE).add("metrics-ctrl-7781").add("KXQMB-TRWAF-LZPNE-HDVGC");
    for (const source of Object.values(t.vendors.sources)) {
      for (const [key, value] of Object.entries(source)) {
        if (["refreshToken", "password", "token", "apiKey", "username"].includes(key) && typeof value === "string") sensitive.add(value);
      }
    }
  });

  it("counts operations by name, type and outcome, each in a bounded label", () => {
    const operations = metrics.find("license_gateway_operations_total").filter((s) => s.value > 0);
    expect(Object.fromEntries(operations.map((s) => [`${s.labels.operation} ${s.labels.type} ${s.labels.outcome}`, s.value]))).toEqual({
      // The repeated CustomerLicenses was answered from the response cache: counted there, not here.
      "CustomerLicenses query ok": 1,
      "LicensesAgain query ok": 1,
      "AddController mutation ok": 1,
      "ControllerLicenses query partial": 1,
      "CryptolensKey query error": 1,
      "Profile query partial": 1,
      "unknown unknown refused": 2,
    });
    expect(metrics.types.get("license_gateway_operations_total")).toBe("counter");
    // Every operation Apollo processed is timed (the body that was not JSON never reached it).
    expect(metrics.sum("license_gateway_operation_duration_seconds_count")).toBe(7);
    expect(
      metrics.value("license_gateway_operation_duration_seconds_count", { operation: "AddController", type: "mutation", outcome: "ok" }),
    ).toBe(1);
    expect(metrics.types.get("license_gateway_operation_duration_seconds")).toBe("histogram");
  });

  it("counts upstream requests exactly as the vendors saw them, by endpoint template and status", () => {
    const calls = vendorCalls();
    for (const [source, seen] of Object.entries(calls)) {
      // A request that got no answer is the gateway's error code; eSmart's timeout is the one here.
      const byStatus = new Map<string, number>();
      for (const call of seen)
        byStatus.set(
          call.status === 0 ? "UPSTREAM_TIMEOUT" : String(call.status),
          (byStatus.get(String(call.status === 0 ? "UPSTREAM_TIMEOUT" : call.status)) ?? 0) + 1,
        );
      const counted = new Map<string, number>();
      for (const s of metrics.find("license_gateway_upstream_requests_total", { source }))
        counted.set(s.labels.status!, (counted.get(s.labels.status!) ?? 0) + s.value);
      expect(Object.fromEntries(counted), source).toEqual(Object.fromEntries(byStatus));
      expect(metrics.sum("license_gateway_upstream_request_duration_seconds_count", { source }), source).toBe(seen.length);
    }
    const sofarLists = calls.sofar!.filter((c) => c.server === "api" && c.path.startsWith("/v1/license/customer/")).length;
    expect(sofarLists).toBe(3);
    expect(
      metrics.value("license_gateway_upstream_requests_total", {
        source: "sofar",
        endpoint: "/v1/license/customer/{}",
        method: "GET",
        status: "200",
      }),
    ).toBe(3);
    expect(
      metrics.value("license_gateway_upstream_requests_total", {
        source: "sofar",
        endpoint: "/auth/accesstoken",
        method: "GET",
        status: "200",
      }),
    ).toBe(1);
    expect(
      metrics.value("license_gateway_upstream_requests_total", {
        source: "smartgridone",
        endpoint: "/auth/login",
        method: "POST",
        status: "200",
      }),
    ).toBe(1);
    expect(
      metrics.value("license_gateway_upstream_requests_total", {
        source: "esmart",
        endpoint: "/api/customers/{}",
        method: "GET",
        status: "UPSTREAM_TIMEOUT",
      }),
    ).toBe(1);
    expect(metrics.sum("license_gateway_upstream_requests_total", { source: "sofar", status: "500" })).toBeGreaterThanOrEqual(1);
    expect(metrics.sum("license_gateway_upstream_requests_total", { source: "cryptolens", status: "500" })).toBe(1);
  });

  it("counts the caches: vendor answers per source and read, whole responses", () => {
    // Three Sofar accounts: missed by the first read, hit by the second document.
    expect(metrics.value("license_gateway_source_cache_reads_total", { source: "sofar", read: "accounts", outcome: "miss" })).toBe(3);
    expect(metrics.value("license_gateway_source_cache_reads_total", { source: "sofar", read: "accounts", outcome: "hit" })).toBe(3);
    expect(metrics.value("license_gateway_source_cache_reads_total", { source: "sofar", read: "accounts", outcome: "stale" })).toBe(0);
    expect(metrics.value("license_gateway_source_cache_reads_total", { source: "cryptolens", read: "by-key", outcome: "miss" })).toBe(1);
    // Looked up: every POST with a JSON body once authenticated (the broken JSON too: the key is the raw body).
    expect(metrics.value("license_gateway_response_cache_lookups_total", { outcome: "hit" })).toBe(1);
    expect(metrics.value("license_gateway_response_cache_lookups_total", { outcome: "miss" })).toBe(8);
    // Kept: the two error-free queries; not: the mutation, the three with errors, the refused document.
    expect(metrics.value("license_gateway_response_cache_stores_total", { outcome: "stored" })).toBe(2);
    expect(metrics.value("license_gateway_response_cache_stores_total", { outcome: "not_stored" })).toBe(5);
  });

  it("shows each circuit, token fetches per source, store latency and Node's process metrics", () => {
    expect(metrics.value("license_gateway_circuit_state", { source: "sofar" })).toBe(2);
    for (const source of ["smartgridone", "cryptolens", "flashstart", "esmart", "local"])
      expect(metrics.value("license_gateway_circuit_state", { source }), source).toBe(0);
    // One access token per Eniris instance, however many calls used it.
    expect(Object.fromEntries(metrics.find("license_gateway_token_fetches_total").map((s) => [s.labels.source, s.value]))).toEqual({
      sofar: 1,
      smartgridone: 1,
    });
    expect(metrics.value("license_gateway_store_query_duration_seconds_count", { statement: "select" })).toBeGreaterThan(0);
    expect(metrics.value("license_gateway_store_query_duration_seconds_count", { statement: "insert" })).toBeGreaterThan(0);
    expect(metrics.types.get("process_cpu_user_seconds_total")).toBe("counter");
    expect(metrics.types.get("nodejs_eventloop_lag_seconds")).toBe("gauge");
  });

  it("never puts an id, a key or a credential in a label", () => {
    expect(sensitive.size).toBeGreaterThan(20);
    const offending = metrics.samples.flatMap((sample) =>
      Object.entries(sample.labels)
        .filter(([name, value]) => {
          if (name === "le" || name === "version" || name === "type" || name === "space") return false;
          if ([...sensitive].some((s) => value.includes(s))) return true;
          if (name === "status") return !/^(\d{3}|UPSTREAM_[A-Z_]+)$/.test(value);
          // No value-like text: percent-encoding, runs of digits, UUIDs.
          return /%|\d{3}|[0-9a-f]{8}-[0-9a-f]{4}/i.test(value);
        })
        .map(([name, value]) => `${sample.name}{${name}="${value}"}`),
    );
    expect(offending).toEqual([]);
  });
});

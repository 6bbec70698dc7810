import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { beforeEach, describe, expect, it } from "vitest";
import type { CallRecord } from "../../src/simulators/http-kit.js";
import { useTestGateway } from "../support/gateway.js";
import { metricsUrl } from "./scrape.js";

const exporter = new InMemorySpanExporter();
// No caches, so every operation calls the vendors; metrics off, to show tracing stands alone.
const t = useTestGateway({ spanExporter: exporter, cache: { enabled: false }, telemetry: { metrics: { enabled: false } } });
beforeEach(() => {
  exporter.reset();
  t.resetCalls();
});

const QUERY = `query Traced { customers { edges { node { licenses { key } } } } }`;

function spans(): ReadableSpan[] {
  return exporter.getFinishedSpans();
}

/** The one server span of the operation named `name`. */
function operationSpan(name: string): ReadableSpan {
  const found = spans().filter((s) => s.kind === SpanKind.SERVER && s.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** Every request the vendors saw, with their `traceparent` headers. */
function vendorCalls(): CallRecord[] {
  const v = t.vendors;
  return [v.sofar, v.smartgridone, v.cryptolens, v.flashstart, v.esmart].flatMap((sim) => sim.calls.list());
}

function parse(traceparent: string | undefined): { traceId: string; spanId: string; flags: string } {
  const [version, traceId, spanId, flags] = (traceparent ?? "").split("-");
  expect(version).toBe("00");
  return { traceId: traceId!, spanId: spanId!, flags: flags! };
}

describe("an operation's trace", () => {
  it("is a server span with a client span for each upstream call, each of which the vendor received as its parent", async () => {
    const res = await t.gql(QUERY);
    expect(res.body.errors).toBeUndefined();
    const operation = operationSpan("query Traced");
    expect(operation.parentSpanContext).toBeUndefined();
    expect(operation.attributes).toMatchObject({
      "graphql.operation.type": "query",
      "graphql.operation.name": "Traced",
      "license_gateway.outcome": "ok",
    });
    expect(operation.status.code).toBe(SpanStatusCode.UNSET);
    expect(operation.resource.attributes["service.name"]).toBe("license-gateway");

    const { traceId, spanId } = operation.spanContext();
    const upstream = spans().filter((s) => s.kind === SpanKind.CLIENT);
    const calls = vendorCalls();
    expect(upstream.length).toBe(calls.length);
    expect(upstream.length).toBeGreaterThanOrEqual(10);
    for (const span of upstream) {
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.parentSpanContext?.spanId).toBe(spanId);
      expect(span.attributes["http.response.status_code"]).toBe(200);
      expect(span.attributes["server.address"]).toBe("127.0.0.1");
      expect(span.name).toBe(`${span.attributes["http.request.method"]} ${span.attributes["url.template"]}`);
    }
    // Each vendor request carried the trace id and, as parent id, the span of exactly that request.
    const received = calls.map((call) => parse(call.traceparent));
    expect(new Set(received.map((r) => r.traceId))).toEqual(new Set([traceId]));
    expect(received.map((r) => r.spanId).sort()).toEqual(upstream.map((s) => s.spanContext().spanId).sort());
    expect(new Set(received.map((r) => r.flags))).toEqual(new Set(["01"]));

    const sofar = upstream.filter((s) => s.attributes["license_gateway.source"] === "sofar").map((s) => s.name);
    expect(sofar).toContain("GET /auth/accesstoken");
    expect(sofar.filter((name) => name === "GET /v1/license/customer/{}")).toHaveLength(3);
  });

  it("carries no id, key, query string or credential in any attribute", async () => {
    const res = await t.gql(`query Keys { customers { edges { node { id accounts { externalId } licenses { key } } } } }`);
    const sensitive = new Set<string>(["demo-refresh-token-sofar", "demo-password"]);
    for (const edge of res.body.data.customers.edges) {
      sensitive.add(edge.node.id);
      for (const a of edge.node.accounts) sensitive.add(a.externalId);
      for (const l of edge.node.licenses) sensitive.add(l.key);
    }
    for (const source of Object.values(t.vendors.sources)) {
      for (const [key, value] of Object.entries(source))
        if (["refreshToken", "password", "token", "apiKey", "username"].includes(key)) sensitive.add(String(value));
    }
    // The port a simulator listens on is random: as digits it can contain a short numeric account id by chance.
    const texts = spans().flatMap((s) => [
      s.name,
      ...Object.entries(s.attributes)
        .filter(([k]) => k !== "server.port")
        .map(([, v]) => String(v)),
      s.status.message ?? "",
    ]);
    expect(texts.length).toBeGreaterThan(50);
    expect(texts.filter((text) => [...sensitive].some((secret) => text.includes(secret)) || text.includes("?"))).toEqual([]);
  });

  it("marks a vendor failure on the call's span and the operation's, by code", async () => {
    t.vendors.cryptolens.fault({ kind: "status", status: 500 });
    const res = await t.gql(`query Failing { licenseByKey(source: "cryptolens", key: "KXQMB-TRWAF-LZPNE-HDVGC") { key } }`);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    const operation = operationSpan("query Failing");
    expect(operation.status).toEqual({ code: SpanStatusCode.ERROR, message: "UPSTREAM_UNAVAILABLE" });
    expect(operation.attributes["license_gateway.outcome"]).toBe("error");
    const failed = spans().filter((s) => s.kind === SpanKind.CLIENT && s.attributes["http.response.status_code"] === 500);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const span of failed) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
    }
    // Retried reads are one span per attempt, numbered as HTTP resends.
    expect(failed.map((s) => s.attributes["http.request.resend_count"] ?? 0)).toEqual([...failed.keys()]);
  });

  it("does not trace a document that never ran as an error of the server", async () => {
    await t.gql(`query Refused { nope }`);
    const operation = spans().find((s) => s.kind === SpanKind.SERVER);
    expect(operation?.attributes["license_gateway.outcome"]).toBe("refused");
    expect(operation?.status.code).toBe(SpanStatusCode.UNSET);
  });
});

describe("a client's traceparent", () => {
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const parentId = "00f067aa0ba902b7";

  it("is the parent of the operation's span, and its trace continues into the vendors", async () => {
    await t.gql(QUERY, {}, { traceparent: `00-${traceId}-${parentId}-01`, tracestate: "vendorname=opaque" });
    const operation = operationSpan("query Traced");
    expect(operation.spanContext().traceId).toBe(traceId);
    expect(operation.parentSpanContext).toMatchObject({ traceId, spanId: parentId, isRemote: true });
    expect(new Set(vendorCalls().map((c) => parse(c.traceparent).traceId))).toEqual(new Set([traceId]));
  });

  it("that says 'not sampled' is followed: nothing is recorded, the vendors still get the trace id, unsampled", async () => {
    await t.gql(QUERY, {}, { traceparent: `00-${traceId}-${parentId}-00` });
    expect(spans()).toEqual([]);
    const received = vendorCalls().map((c) => parse(c.traceparent));
    expect(received.length).toBeGreaterThan(0);
    expect(new Set(received.map((r) => `${r.traceId} ${r.flags}`))).toEqual(new Set([`${traceId} 00`]));
  });

  it("that is malformed is ignored: a new trace starts", async () => {
    await t.gql(QUERY, {}, { traceparent: `00-${traceId.toUpperCase()}-${parentId}-01` });
    const operation = operationSpan("query Traced");
    expect(operation.parentSpanContext).toBeUndefined();
    expect(operation.spanContext().traceId).not.toBe(traceId);
  });
});

describe("with metrics off", () => {
  it("there is no metrics endpoint", async () => {
    expect((await fetch(metricsUrl(t.gateway.url))).status).toBe(404);
  });
});

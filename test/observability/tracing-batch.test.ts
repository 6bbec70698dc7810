import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

/**
 * Batched requests (server.limits.maxBatch > 1): the operations of one HTTP request share its scope (one deadline)
 * but each has its own span, and each upstream call is a child of the operation that made it. Before each
 * operation entered its own trace context, the calls of both attached to whichever operation started last.
 */
const exporter = new InMemorySpanExporter();
const t = useTestGateway({
  spanExporter: exporter,
  cache: { enabled: false },
  telemetry: { metrics: { enabled: false } },
  serverOverrides: { limits: { maxBatch: 5 } },
});

describe("a batched request's traces", () => {
  it("parents each upstream call on the span of the operation that made it", async () => {
    const batch = [
      { query: `query ViaSofar { licenseByKey(source: "sofar", key: "SOFAR-COM-0001") { key } }` },
      { query: `query ViaCryptolens { licenseByKey(source: "cryptolens", key: "KXQMB-TRWAF-LZPNE-HDVGC") { key } }` },
      { query: `query ViaFlashstart { customer(id: "demo-customer-1") { availableLicenses(source: "flashstart") { code } } }` },
    ];
    exporter.reset();
    const res = await fetch(t.gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(batch),
    });
    expect(res.status).toBe(200);
    const answers = (await res.json()) as Array<{ errors?: unknown }>;
    expect(answers.map((a) => a.errors)).toEqual([undefined, undefined, undefined]);

    const spans = exporter.getFinishedSpans();
    const operation = (name: string) => spans.find((s) => s.kind === SpanKind.SERVER && s.name === `query ${name}`)!.spanContext().spanId;
    const parentsBySource = new Map<string, Set<string>>();
    for (const span of spans.filter((s) => s.kind === SpanKind.CLIENT)) {
      const source = String(span.attributes["license_gateway.source"]);
      parentsBySource.set(source, (parentsBySource.get(source) ?? new Set()).add(span.parentSpanContext!.spanId));
    }
    expect(Object.fromEntries([...parentsBySource].map(([source, parents]) => [source, [...parents]]))).toEqual({
      sofar: [operation("ViaSofar")],
      cryptolens: [operation("ViaCryptolens")],
      flashstart: [operation("ViaFlashstart")],
    });
  });
});

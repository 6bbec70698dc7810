import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";

function issues(telemetry: unknown): string[] {
  const result = configSchema.safeParse({ telemetry });
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("the telemetry config", () => {
  it("defaults to metrics at /metrics without a token, and no tracing", () => {
    expect(configSchema.parse({}).telemetry).toEqual({
      metrics: { enabled: true, path: "/metrics", maxOperationNames: 100 },
      tracing: { serviceName: "license-gateway", sampleRatio: 1 },
    });
  });

  it("refuses a metrics path the gateway already answers, and a short token, naming the key and never the value", () => {
    expect(issues({ metrics: { path: "/graphql" } })).toEqual([
      "telemetry.metrics.path: is already taken by the gateway (/, /graphql, /healthz, /readyz)",
    ]);
    const short = issues({ metrics: { bearerToken: "s3cr3t-short" } });
    expect(short).toEqual(["telemetry.metrics.bearerToken: at least 16 characters"]);
    expect(short.join()).not.toContain("s3cr3t-short");
  });

  it("refuses credentials in the OTLP url, a bad header, and keeps header values out of messages", () => {
    expect(issues({ tracing: { otlp: { url: "https://user:pw-9f8e7d@otel.example.com/v1/traces" } } })).toEqual([
      "telemetry.tracing.otlp.url: must not carry credentials; use headers",
    ]);
    const bad = issues({
      tracing: { otlp: { url: "https://otel.example.com/v1/traces", headers: { "x-api-key": "key-1\r\nx-evil: 1" } } },
    });
    expect(bad).toEqual(["telemetry.tracing.otlp.headers.x-api-key: a header value cannot contain a line break"]);
    expect(bad.join()).not.toContain("key-1");
    expect(issues({ tracing: { sampleRatio: 1.5 } })).toHaveLength(1);
  });
});

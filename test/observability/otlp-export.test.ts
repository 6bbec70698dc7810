import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startGateway } from "../../src/app.js";
import { configSchema } from "../../src/config/schema.js";
import { createLogger } from "../../src/logger.js";

const API_KEY = "otlp-api-key-4e1d7c0b9a";

interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** An OTLP/HTTP collector on 127.0.0.1:0 that records each export and answers `status`. */
async function startCollector(status: number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, received, server };
}

/** A gateway with no vendors, exporting to `otlpUrl`; its logs are collected. */
async function gatewayExportingTo(otlpUrl: string) {
  const logs: string[] = [];
  const config = configSchema.parse({
    server: { host: "127.0.0.1", port: 0 },
    store: { url: "memory://" },
    auth: { mode: "off" },
    telemetry: { tracing: { otlp: { url: otlpUrl, headers: { "x-api-key": API_KEY } }, serviceName: "lgw-otlp-suite" } },
  });
  const gateway = await startGateway({ config, logger: createLogger("info", { write: (line: string) => void logs.push(line) }) });
  return { gateway, logs };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function runOperation(url: string): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "query Sources { sources { id } }" }),
  });
  expect(res.status).toBe(200);
}

describe("OTLP export", () => {
  it("sends the spans to the configured collector with its headers, flushed when the gateway closes", async () => {
    const collector = await startCollector(200);
    servers.push(collector.server);
    const { gateway, logs } = await gatewayExportingTo(collector.url);
    await runOperation(gateway.url);
    // Batched: nothing yet (the batch waits up to 5 s); closing flushes.
    await gateway.close();
    expect(collector.received).toHaveLength(1);
    const [request] = collector.received;
    expect(request!.path).toBe("/v1/traces");
    expect(request!.headers["x-api-key"]).toBe(API_KEY);
    expect(request!.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(request!.body);
    const resource = body.resourceSpans[0].resource.attributes;
    expect(resource).toContainEqual({ key: "service.name", value: { stringValue: "lgw-otlp-suite" } });
    const names = body.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans.map((span: any) => span.name)));
    expect(names).toEqual(["query Sources"]);
    expect(logs.join("")).not.toContain(API_KEY);
  });

  it("logs a collector that refuses the export, without its API key", async () => {
    const collector = await startCollector(401);
    servers.push(collector.server);
    const { gateway, logs } = await gatewayExportingTo(collector.url);
    await runOperation(gateway.url);
    await gateway.close();
    expect(collector.received.length).toBeGreaterThanOrEqual(1);
    const warnings = logs.map((line) => JSON.parse(line)).filter((entry) => entry.msg?.startsWith("could not export traces"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, spans: 1, status: 401 });
    expect(logs.join("")).not.toContain(API_KEY);
  });
});

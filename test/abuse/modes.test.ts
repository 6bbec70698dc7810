import { describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { expectRefused, expectWellFormed, healthz, post } from "./support.js";

/** Development mode, batching on (up to 5) and a 64 KiB body limit; and production with introspection turned on. */
const dev = useTestGateway({ serverOverrides: { mode: "development", limits: { maxBatch: 5, maxBodyBytes: 64 * 1024 } } });
const open = useTestGateway({ serverOverrides: { mode: "production", introspection: true } });

const json = (value: unknown) => JSON.stringify(value);

describe("development mode", () => {
  it("allows introspection", async () => {
    const body = expectWellFormed(await post(dev.gateway.url, json({ query: "{ __schema { queryType { name } } }" })));
    expect(body).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
  });

  it("keeps field suggestions", async () => {
    const res = await post(dev.gateway.url, json({ query: "{ sourcs { id } }" }));
    expectRefused(res, 400, "GRAPHQL_VALIDATION_FAILED");
    expect(res.text).toContain('Did you mean \\"sources\\"?');
  });

  it("serves GraphiQL without the notice", async () => {
    const html = await (await fetch(dev.gateway.url, { headers: { accept: "text/html" } })).text();
    expect(html).not.toContain('id="graphiql-notice"');
    expect(html).toContain('"introspection":true');
  });
});

describe("batching up to maxBatch", () => {
  const batch = (n: number) => json(Array.from({ length: n }, (_, i) => ({ query: `query Q${i} { __typename }` })));

  it("answers a batch of 5, one result per operation", async () => {
    const res = await post(dev.gateway.url, batch(5));
    expect(res.status).toBe(200);
    expectWellFormed(res);
    expect(JSON.parse(res.text)).toEqual(Array.from({ length: 5 }, () => ({ data: { __typename: "Query" } })));
  });

  it("refuses a batch of 6, and of 100, before running any", async () => {
    expectRefused(await post(dev.gateway.url, batch(6)), 400, "OPERATION_LIMIT_EXCEEDED", "maxBatch");
    expectRefused(await post(dev.gateway.url, batch(100)), 400, "OPERATION_LIMIT_EXCEEDED", "maxBatch");
  });

  it("checks every operation of a batch against the limits", async () => {
    const operations = [{ query: "{ __typename }" }, { query: `{ sources { ${"id ".repeat(5_001)}} }` }];
    expectRefused(await post(dev.gateway.url, json(operations)), 400, "OPERATION_LIMIT_EXCEEDED", "maxTokens");
  });
});

describe("the body limit from config", () => {
  it("a declared body over 64 KiB is refused before it is read", async () => {
    expectRefused(
      await post(dev.gateway.url, json({ query: `{ __typename ${"#".repeat(70_000)}\n}` })),
      413,
      "OPERATION_LIMIT_EXCEEDED",
      "maxBodyBytes",
    );
  });

  it("a streamed body (no Content-Length) is refused once it passes 64 KiB, without resetting the connection", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 10 MB if nobody stops it; the server answers long before.
        if (sent++ < 640) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(dev.gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    const body = JSON.parse(await res.text());
    expect(body.errors[0].extensions).toEqual({ code: "OPERATION_LIMIT_EXCEEDED", limit: "maxBodyBytes" });
    expect((await healthz(dev.gateway.url)).status).toBe(200);
  });

  it("a body within the limit answers", async () => {
    expect(expectWellFormed(await post(dev.gateway.url, json({ query: `{ __typename ${"#".repeat(60_000)}\n}` })))).toEqual({
      data: { __typename: "Query" },
    });
  });
});

describe("production with server.introspection: true", () => {
  it("allows introspection", async () => {
    const body = expectWellFormed(await post(open.gateway.url, json({ query: '{ __type(name: "License") { name } }' })));
    expect(body).toEqual({ data: { __type: { name: "License" } } });
  });

  it("still hides field suggestions", async () => {
    const res = await post(open.gateway.url, json({ query: "{ sourcs { id } }" }));
    expectRefused(res, 400, "GRAPHQL_VALIDATION_FAILED");
    expect(res.text).not.toContain("Did you mean");
  });

  it("serves GraphiQL with its schema", async () => {
    const html = await (await fetch(open.gateway.url, { headers: { accept: "text/html" } })).text();
    expect(html).not.toContain('id="graphiql-notice"');
  });
});

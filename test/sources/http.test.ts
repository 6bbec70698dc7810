import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GatewayError } from "../../src/errors/gateway-error.js";
import { encodePath, HttpClient } from "../../src/sources/http.js";

/** The shared HTTP client's path handling, against a real server that records what reached it. */

let server: Server;
let baseUrl: string;
const seen: string[] = [];
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? "");
    req.resume(); // read any body, as a vendor that takes one does
    const bytes = /\/bytes\/(\d+)$/.exec(req.url ?? "");
    if (bytes) {
      // Sent in 100-byte writes, so the client reads the body in several chunks.
      res.writeHead(200, { "content-type": "application/json" });
      const body = "x".repeat(Number(bytes[1]));
      for (let at = 0; at < body.length; at += 100) res.write(body.slice(at, at + 100));
      res.end();
      return;
    }
    if (req.url?.endsWith("/cut")) {
      // Promises 100 bytes, sends 5, then drops the connection.
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"a":');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen.length = 0;
});

async function withClient<T>(run: (client: HttpClient) => Promise<T>): Promise<T> {
  const client = new HttpClient({ source: "test-src", baseUrl, timeoutMs: 2000, connections: 2, maxResponseBytes: 1024 });
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

describe("HttpClient path segments", () => {
  it("keeps an encoded id as one segment under the base path", async () => {
    await withClient((c) => c.send({ method: "GET", path: encodePath`/items/${"../other/x?y=1#z"}` }));
    expect(seen).toEqual(["/base/items/..%2Fother%2Fx%3Fy%3D1%23z"]);
  });

  // Regression: URL resolution turned "/items/.." into "/base/" and "/items/." into "/base/items/", so an id of
  // ".." or "." reached another endpoint although encodePath promised an id stays one segment.
  it.each([
    ["..", encodePath`/items/${".."}/detail`],
    [".", encodePath`/items/${"."}`],
    ["%2e%2e", "/items/%2E%2e"],
    [".%2e", "/items/.%2e?q=1"],
  ])("dot-segment id reached another endpoint: %s is refused with BAD_USER_INPUT before sending", async (_, path) => {
    const error = await withClient((c) => c.send({ method: "GET", path })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: "BAD_USER_INPUT", source: "test-src" });
    expect(seen).toEqual([]);
    // Regression (issue 13, item 12): the refusal quoted "GET <the vendor path>"; a vendor's paths are not the client's.
    expect((error as Error).message).not.toMatch(/items|GET|%2e/i);
  });

  it("dots inside a segment are ordinary characters", async () => {
    await withClient(async (c) => {
      await c.send({ method: "GET", path: encodePath`/items/${"..."}` });
      await c.send({ method: "GET", path: encodePath`/items/${"a..b"}` });
      await c.send({ method: "GET", path: encodePath`/items/${".hidden"}` });
    });
    expect(seen).toEqual(["/base/items/...", "/base/items/a..b", "/base/items/.hidden"]);
  });
});

describe("HttpClient connections", () => {
  // Not a new TCP connection per call: at most the pool's two (undici may open the second while the first is
  // being handed back), however many calls, GETs with a JSON body included.
  it("reuses its keep-alive connections for sequential calls, GETs with a JSON body included (Customerarea's reads)", async () => {
    connections = 0;
    await withClient(async (c) => {
      for (let i = 0; i < 5; i++) await c.send({ method: "GET", path: "/licences", json: { customer_code: i } });
      for (let i = 0; i < 5; i++) await c.send({ method: "POST", path: "/write", json: { n: i } });
    });
    expect(seen).toHaveLength(10);
    expect(connections).toBeLessThanOrEqual(2);
  });
});

describe("HttpClient transport errors", () => {
  // Regression (issue 13, item 7): a transport error's message named the concrete path (ids included); undici's and
  // Node's own messages name the host and the URL. The client's message has the source, the endpoint template and
  // the error's code only.
  it("name the code (ECONNREFUSED), never the host, the port, the userinfo or the concrete path", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new HttpClient({
      source: "test-src",
      baseUrl: `http://operator:pw-secret@127.0.0.1:${port}/internal/`,
      timeoutMs: 2000,
      connections: 1,
      maxResponseBytes: 1024,
    });
    try {
      const error = await client.send({ method: "GET", path: encodePath`/items/${"customer-4711"}` }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", source: "test-src" });
      const message = (error as Error).message;
      expect(message).toBe("test-src: GET /items/{} failed: ECONNREFUSED");
      expect(message).not.toMatch(/127\.0\.0\.1|internal|operator|pw-secret|4711/);
    } finally {
      await client.close();
    }
  });
});

describe("HttpClient bodies", () => {
  it("reads a body of exactly maxResponseBytes (1024), sent in chunks, and refuses one byte more without its text", async () => {
    await withClient(async (c) => {
      expect((await c.send({ method: "GET", path: "/bytes/1024" })).text).toBe("x".repeat(1024));
      const error = await c.send({ method: "GET", path: "/bytes/1025" }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: "UPSTREAM_BAD_RESPONSE",
        source: "test-src",
        message: "the response was larger than 1024 bytes",
      });
    });
  });

  it("a body cut short by the vendor dropping the connection is UPSTREAM_UNAVAILABLE naming undici's code", async () => {
    const error = await withClient((c) => c.send({ method: "POST", path: "/cut" })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      source: "test-src",
      message: "test-src: POST /cut failed: UND_ERR_SOCKET",
    });
  });
});

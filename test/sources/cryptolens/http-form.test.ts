import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpClient } from "../../../src/sources/http.js";

/** The shared client's `form` option (added for Cryptolens), against a real server that records what reached it. */

let server: Server;
let baseUrl: string;
const seen: { url: string; contentType: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", contentType: req.headers["content-type"], body });
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen.length = 0;
});

async function send(req: Parameters<HttpClient["send"]>[0]) {
  const client = new HttpClient({ source: "test-src", baseUrl, timeoutMs: 2000, connections: 2, maxResponseBytes: 1024 });
  try {
    return await client.send(req);
  } finally {
    await client.close();
  }
}

describe("HttpClient form bodies", () => {
  it("sends `form` as application/x-www-form-urlencoded, every value encoded, nothing in the URL", async () => {
    await send({ method: "POST", path: "key/Activate", form: { token: "t&k=1 +/", Key: "AAAA-BBBB", MachineCode: "node é" } });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe("/api/key/Activate");
    expect(seen[0]!.contentType).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toEqual({ token: "t&k=1 +/", Key: "AAAA-BBBB", MachineCode: "node é" });
  });

  it("json still wins when both are given (form is ignored)", async () => {
    await send({ method: "POST", path: "x", json: { a: 1 }, form: { b: "2" } });
    expect(seen[0]).toMatchObject({ contentType: "application/json", body: '{"a":1}' });
  });

  it("without json or form there is no body and no content type", async () => {
    await send({ method: "POST", path: "x" });
    expect(seen[0]).toMatchObject({ contentType: undefined, body: "" });
  });
});

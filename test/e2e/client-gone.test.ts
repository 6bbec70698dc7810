import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

/**
 * A client that goes away takes its operation's upstream calls with it (src/server/http-server.ts aborts the
 * operation's signal when the connection closes before the answer was sent). Cryptolens is pointed at a server that
 * never answers, so only the client leaving can end the call before the source's 5 s timeout.
 */
const overrides: Record<string, Record<string, unknown>> = {};
let silent: Server;
const arrived: IncomingMessage[] = [];
const closed: number[] = [];

beforeAll(async () => {
  silent = createServer((req) => {
    arrived.push(req);
    req.socket.once("close", () => closed.push(Date.now()));
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  overrides.cryptolens = { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/` };
});
afterAll(async () => {
  silent.closeAllConnections();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

const t = useTestGateway({ sourceOverrides: overrides, cache: { enabled: false } });

describe("a client that goes away", () => {
  it("ends the operation's upstream calls then, not at the source's timeout", async () => {
    const gone = new AbortController();
    const started = Date.now();
    const request = fetch(t.gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ customer(id: "demo-customer-1") { licenses(source: "cryptolens") { key } } }` }),
      signal: gone.signal,
    }).catch((error: unknown) => error);
    while (arrived.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    gone.abort();
    await request;
    while (closed.length === 0 && Date.now() - started < 4_500) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toHaveLength(1);
    // Well before the 5 s timeout that would have ended it otherwise.
    expect(closed[0]! - started).toBeLessThan(4_500);
  });
});

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { resilienceSchema, type ResilienceConfig } from "../../src/config/schema.js";
import { HttpClient } from "../../src/sources/http.js";
import { SourceGuard } from "../../src/sources/resilience/source-guard.js";

export type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void | Promise<void>;

/** A real node:http server on 127.0.0.1:0 whose answer each test scripts (STYLE 8); counts requests and concurrency. */
export interface ScriptedServer {
  url: string;
  /** Requests received since the last reset. */
  hits: number;
  /** Most requests in flight at once since the last reset. */
  peak: number;
  handle(handler: Handler): void;
}

export function useScriptedServer(): ScriptedServer {
  let server: Server;
  let handler: Handler = (_req, res) => ok(res);
  let inFlight = 0;
  const state: ScriptedServer = {
    url: "",
    hits: 0,
    peak: 0,
    handle(next) {
      handler = next;
    },
  };
  beforeAll(async () => {
    server = createServer((req, res) => {
      state.hits += 1;
      inFlight += 1;
      state.peak = Math.max(state.peak, inFlight);
      res.once("close", () => {
        inFlight -= 1;
      });
      void Promise.resolve(handler(req, res, state.hits)).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    state.hits = 0;
    state.peak = 0;
    handler = (_req, res) => ok(res);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return state;
}

export function ok(res: ServerResponse, body: unknown = { ok: true }): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function status(res: ServerResponse, code: number, headers: Record<string, string> = {}): void {
  res.writeHead(code, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ message: `status ${code}` }));
}

/** Resilience settings for a test: the defaults with `overrides`, retries fast so tests stay quick. */
export function settings(
  overrides: Partial<Omit<ResilienceConfig, "circuit">> & { circuit?: Partial<ResilienceConfig["circuit"]> } = {},
): ResilienceConfig {
  return resilienceSchema.parse({ retryBaseMs: 10, retryMaxMs: 200, ...overrides });
}

const open: Array<{ client: HttpClient; guard: SourceGuard }> = [];

/** A client with its own guard; both closed after the test file. */
export function clientFor(server: ScriptedServer, config: ResilienceConfig, timeoutMs = 1_000): { client: HttpClient; guard: SourceGuard } {
  const guard = new SourceGuard("test-src", config);
  const client = new HttpClient({ source: "test-src", baseUrl: server.url, timeoutMs, connections: 32, maxResponseBytes: 4096, guard });
  open.push({ client, guard });
  return { client, guard };
}

export async function closeClients(): Promise<void> {
  for (const { client, guard } of open.splice(0)) {
    await client.close();
    guard.close();
  }
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to reject, but it resolved");
}

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import { IMAGE_ENV, spawnGateway, type GatewayProcess } from "../support/gateway-process.js";

/**
 * Graceful shutdown of a real gateway process (the production start command, in the image's environment), with
 * the vendor simulators in this process: Cryptolens answers after 2.5 s, so a request is in flight when SIGTERM
 * arrives.
 */
const CRYPTOLENS_LATENCY_MS = 2_500;
const DELAY_MS = 500;

let vendors: DemoVendors;
let dir: string;
let gateway: GatewayProcess;

beforeAll(async () => {
  vendors = await startDemoVendors();
  dir = await mkdtemp(join(tmpdir(), "lg-shutdown-"));
  const config = join(dir, "gateway.yaml");
  await writeFile(
    config,
    stringify({
      server: { host: "127.0.0.1", port: 0, shutdownDelayMs: DELAY_MS, shutdownGraceMs: 8_000 },
      store: { url: "memory://" },
      auth: { mode: "off" },
      sources: vendors.sources,
    }),
  );
  gateway = spawnGateway(config);
  await gateway.url;
}, 120_000);

afterAll(async () => {
  gateway?.child.kill("SIGKILL");
  await vendors?.close();
  await rm(dir, { recursive: true, force: true });
});

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

describe("SIGTERM", () => {
  it(
    "turns /readyz 503 at once, stops accepting, finishes the request in flight, closes keep-alive connections, exits 0",
    { timeout: 30_000 },
    async () => {
      const url = new URL(await gateway.url);
      const port = Number(url.port);
      // An idle keep-alive connection, as a load balancer or a client pool holds one.
      const keepAlive = new Client(url.origin);
      let keepAliveClosed = false;
      keepAlive.on("disconnect", () => (keepAliveClosed = true));
      expect((await keepAlive.request({ path: "/healthz", method: "GET" })).statusCode).toBe(200);

      vendors.cryptolens.setLatency(CRYPTOLENS_LATENCY_MS);
      const inFlight = fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: '{ licenseByKey(source: "cryptolens", key: "IN-FLIGHT") { id } }' }),
      });
      while (vendors.cryptolens.calls.count({ server: "api" }) === 0) await new Promise((resolve) => setTimeout(resolve, 20));

      gateway.child.kill("SIGTERM");
      await gateway.logged((e) => e.msg?.startsWith("shutting down"));

      // Within shutdownDelayMs: still accepting, but not ready; alive.
      const readyz = await fetch(new URL("/readyz", url));
      expect(readyz.status).toBe(503);
      expect(await readyz.json()).toEqual({ status: "shutting down", checks: { shutdown: { ok: false } } });
      expect(readyz.headers.get("connection")).toBe("close");
      expect((await fetch(new URL("/healthz", url))).status).toBe(200);

      // Then the listener closes: new connections are refused, idle keep-alive ones are closed.
      await gateway.logged((e) => e.msg?.startsWith("stopped accepting connections"));
      expect(await connectionRefused(port)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(keepAliveClosed).toBe(true);

      // The request in flight still gets its whole answer, on a connection told to close.
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.headers.get("connection")).toBe("close");
      expect(await answer.json()).toEqual({ data: { licenseByKey: null } });

      expect(await gateway.exited).toBe(0);
      const messages = gateway.entries().map((e) => e.msg);
      expect(messages).toContain("stopped");
      expect(messages).not.toContain("shutdown grace period over: closing the connections of requests still in flight");
      await keepAlive.close();
    },
  );
});

describe("one SIGTERM in the image's environment (NODE_ENV=production)", () => {
  it(
    "is one signal: Apollo Server no longer stops itself and sends SIGTERM again, which the gateway took for a second signal and exited 1 without draining",
    { timeout: 30_000 },
    async () => {
      // Apollo installs its own SIGTERM handler unless NODE_ENV is test, which vitest sets: under it this never showed.
      expect(IMAGE_ENV.NODE_ENV).toBe("production");
      const config = join(dir, "plain.yaml");
      await writeFile(
        config,
        stringify({ server: { host: "127.0.0.1", port: 0, shutdownDelayMs: 0 }, store: { url: "memory://" }, auth: { mode: "off" } }),
      );
      const plain = spawnGateway(config);
      try {
        // One answer first: main installs its signal handlers just after it logs that it is ready, and a SIGTERM
        // before them would kill the process outright (node's default), which is not what this test is about.
        expect((await fetch(new URL("/healthz", await plain.url))).status).toBe(200);
        plain.child.kill("SIGTERM");
        expect(await plain.exited).toBe(0);
        const messages = plain.entries().map((e) => e.msg);
        expect(messages).toContain("stopped");
        expect(messages).not.toContain("second signal: exiting without waiting for the shutdown to finish");
      } finally {
        plain.child.kill("SIGKILL");
      }
    },
  );
});

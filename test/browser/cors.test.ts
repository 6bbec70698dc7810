import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

/**
 * Issue 13, item 1, as a browser meets it: a page served from another origin calls the gateway with fetch(), in
 * Debian's Chromium driven by playwright-core. The browser does the preflight and enforces the answer's headers,
 * so this is what a single-page app on another origin gets. Chromium resolves app.test and evil.test to 127.0.0.1,
 * so both pages are real, distinct origins served by one tiny node:http server.
 */

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const skipped = hasChromium ? "" : ` (skipped: no ${CHROMIUM}; install Debian's package: apt-get install -y chromium)`;
if (!hasChromium) console.warn(`test/browser/cors.test.ts${skipped}`);

/** What the page's fetch() came back with, or the error it threw. */
type Outcome = { status: number; requestId: string | null; etag: string | null; body: unknown } | { error: string };

describe.skipIf(!hasChromium)(`a page on another origin calling the gateway in headless Chromium${skipped}`, () => {
  const t = useTestGateway({ serverOverrides: { cors: { origins: ["http://app.test:*"] } } });
  let browser: Browser;
  let pages: Server;
  let pagePort: number;

  beforeAll(async () => {
    pages = createServer((_, res) =>
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!doctype html><title>another origin</title>"),
    );
    await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
    pagePort = (pages.address() as AddressInfo).port;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // As in graphiql.test.ts, plus the two test hosts. Root, as CI runs, needs --no-sandbox.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP app.test 127.0.0.1, MAP evil.test 127.0.0.1",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => pages?.close(resolve));
  });

  /** Opens a page on `host` and runs fetch(gateway, init) in it; the gateway is on 127.0.0.1, another origin. */
  async function fetchFrom(
    host: string,
    init: { method: "GET" | "POST"; headers: Record<string, string>; query: string },
  ): Promise<Outcome> {
    const page = await browser.newPage();
    try {
      await page.goto(`http://${host}:${pagePort}/`);
      return await page.evaluate(
        async ({ url, init }) => {
          try {
            const target = new URL(url);
            if (init.method === "GET") target.searchParams.set("query", init.query);
            const res = await fetch(target, {
              method: init.method,
              headers: init.headers,
              ...(init.method === "POST" ? { body: JSON.stringify({ query: init.query }) } : {}),
            });
            return {
              status: res.status,
              requestId: res.headers.get("x-request-id"),
              etag: res.headers.get("etag"),
              body: await res.json(),
            };
          } catch (error) {
            return { error: String(error) };
          }
        },
        { url: t.gateway.url, init },
      );
    } finally {
      await page.close();
    }
  }

  const QUERY = "{ sources { id } }";

  it("a listed origin's POST with JSON and an Authorization header passes its preflight and reads the answer and x-request-id", async () => {
    const outcome = await fetchFrom("app.test", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not-checked-with-auth-off" },
      query: QUERY,
    });
    expect(outcome).toMatchObject({ status: 200, requestId: expect.any(String), body: { data: { sources: expect.any(Array) } } });
  });

  it("a listed origin's GET with apollo-require-preflight reads the answer and its ETag", async () => {
    const outcome = await fetchFrom("app.test", { method: "GET", headers: { "apollo-require-preflight": "true" }, query: QUERY });
    expect(outcome).toMatchObject({ status: 200, etag: expect.stringMatching(/^"/), body: { data: { sources: expect.any(Array) } } });
  });

  it("a listed origin asking for a header outside the list fails its preflight", async () => {
    const outcome = await fetchFrom("app.test", {
      method: "POST",
      headers: { "content-type": "application/json", "x-internal-debug": "1" },
      query: QUERY,
    });
    expect(outcome).toEqual({ error: expect.stringContaining("Failed to fetch") });
  });

  it("an unlisted origin cannot call it at all", async () => {
    const outcome = await fetchFrom("evil.test", { method: "POST", headers: { "content-type": "application/json" }, query: QUERY });
    expect(outcome).toEqual({ error: expect.stringContaining("Failed to fetch") });
  });
});

import { describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

/** `server.getCacheControl` opens GET answers to shared caches, with the ETag and Vary kept (conditional-get.ts). */
const t = useTestGateway({ serverOverrides: { getCacheControl: "public, s-maxage=30" } });

describe("server.getCacheControl", () => {
  it("is the Cache-Control of successful GET answers, with the ETag and Vary as by default, and 304s alike", async () => {
    const url = new URL(t.gateway.url);
    url.searchParams.set("query", "{ customers(first: 1) { count } }");
    const headers = { accept: "application/json", "apollo-require-preflight": "true" };
    const first = await fetch(url, { headers });
    expect(first.status).toBe(200);
    expect([first.headers.get("cache-control"), first.headers.get("vary")]).toEqual(["public, s-maxage=30", "Accept, Authorization"]);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const revalidated = await fetch(url, { headers: { ...headers, "if-none-match": etag } });
    expect([revalidated.status, revalidated.headers.get("cache-control")]).toEqual([304, "public, s-maxage=30"]);
  });
});

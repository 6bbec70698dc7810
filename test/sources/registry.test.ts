import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { configSchema, sourceConfigSchema, sourcesSchemaOf } from "../../src/config/schema.js";
import { httpUrl, upstreamOptions } from "../../src/config/source-options.js";
import { DEMO_CUSTOMER_IDS, seedDemo } from "../../src/demo/seed.js";
import { startVendorDemos } from "../../src/demo/vendors.js";
import { createSources } from "../../src/sources/create.js";
import { VENDORS } from "../../src/sources/registry.js";
import type { LicenseSource } from "../../src/sources/source.js";
import type { VendorModule } from "../../src/sources/vendor-module.js";
import { VendorTransport } from "../../src/sources/vendor-transport.js";
import { openStore, type Store } from "../../src/store/store.js";

/**
 * A vendor is its folder plus one line in src/sources/registry.ts: config parsing, source creation and the demo
 * read the vendors from a list and from nothing else. Proof: a vendor the product has never heard of, listed here
 * next to the registry's, goes through the very functions the gateway uses, with no module mocked.
 */

/** A vendor with one host, one credential and a health check: what a new vendor's folder would hold, in small. */
const pingConfigSchema = z.strictObject({
  kind: z.literal("ping"),
  url: httpUrl,
  apiKey: z.string().min(1),
  ...upstreamOptions,
});

const created: Array<{ id: string; config: z.infer<typeof pingConfigSchema> }> = [];
const stopped: string[] = [];

const pingVendor: VendorModule<typeof pingConfigSchema, { pinger: { close(): Promise<void> } }> = {
  kind: "ping",
  configSchema: pingConfigSchema,
  create(id, config) {
    created.push({ id, config });
    const transport = new VendorTransport(id, config, () => [config.apiKey]);
    const http = transport.client(config.url);
    const source: LicenseSource = {
      id,
      kind: "ping",
      health: () => transport.health.snapshot(),
      probe: async () => {
        const res = await transport.health.track(() => http.send({ method: "GET", path: "ping", headers: { "x-api-key": config.apiKey } }));
        if (res.status !== 200) throw new Error(`ping answered ${res.status}`);
      },
      close: () => transport.close(),
    };
    return source;
  },
  demo: {
    async start() {
      return {
        simulators: { pinger: { close: async () => void stopped.push("pinger") } },
        sources: { pinger: { kind: "ping", url: "http://127.0.0.1:9/", apiKey: "demo-ping-key" } },
      };
    },
    seed: (customers) => ({ accounts: { pinger: Array.from({ length: customers - 1 }, (_, i) => `ping-${i + 1}`) } }),
  },
};

const vendors = [...VENDORS, pingVendor] as const;

let server: Server;
let url: string;
const seenKeys: Array<string | undefined> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seenKeys.push(req.headers["x-api-key"] as string | undefined);
    res.writeHead(req.url === "/ping" ? 200 : 404, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("the vendor registry", () => {
  it("is what the product's config knows: its kinds, in its order, and no other", () => {
    expect(sourceConfigSchema.options.map((option) => option.shape.kind.value)).toEqual(VENDORS.map((vendor) => vendor.kind));
    const refused = configSchema.safeParse({ sources: { pinger: { kind: "ping", url, apiKey: "k" } } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["sources.pinger.kind", "Invalid discriminator value. Expected 'eniris' | 'cryptolens' | 'customerarea' | 'esmart'"],
    ]);
  });

  it("parses a listed vendor's config the way it parses the product's: its schema, the upstream defaults, the id rules", () => {
    const parsed = sourcesSchemaOf(vendors).parse({
      pinger: { kind: "ping", url, apiKey: "secret-ping-key" },
      sofar: { kind: "eniris", apiUrl: url, authUrl: url, refreshToken: "r" },
    });
    const upstreamDefaults = z.strictObject(upstreamOptions).parse({});
    expect(upstreamDefaults).toMatchObject({ timeoutMs: 10_000, connections: 128, resilience: { retries: 2 }, cache: { ttlMs: 30_000 } });
    expect(parsed.pinger).toEqual({ kind: "ping", url, apiKey: "secret-ping-key", ...upstreamDefaults });
    const refused = sourcesSchemaOf(vendors).safeParse({
      local: { kind: "ping", url, apiKey: "k" },
      other: { kind: "ping", url: "ftp://x", apiKey: "" },
    });
    expect(refused.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["other.url", "Invalid URL"],
      ["other.apiKey", "Too small: expected string to have >=1 characters"],
      ["local", "'local' is reserved for the gateway's own store"],
    ]);
    const unknown = sourcesSchemaOf(vendors).safeParse({ x: { kind: "nope" } });
    expect(unknown.error?.issues[0]?.message).toBe(
      "Invalid discriminator value. Expected 'eniris' | 'cryptolens' | 'customerarea' | 'esmart' | 'ping'",
    );
  });

  describe("creates a listed vendor's sources", () => {
    let store: Store;
    let sources: LicenseSource[];

    beforeAll(async () => {
      store = await openStore("memory://");
      const config = sourcesSchemaOf(vendors).parse({ pinger: { kind: "ping", url, apiKey: "secret-ping-key", timeoutMs: 2_000 } });
      sources = createSources(config, store, undefined, undefined, vendors);
    });

    afterAll(async () => {
      await Promise.all(sources.map((source) => source.close()));
      await store.close();
    });

    it("through its own factory, with its parsed config, the local store's source last", () => {
      expect(sources.map((source) => [source.id, source.kind])).toEqual([
        ["pinger", "ping"],
        ["local", "local"],
      ]);
      expect(created.at(-1)).toMatchObject({ id: "pinger", config: { kind: "ping", apiKey: "secret-ping-key", timeoutMs: 2_000 } });
    });

    it("whose HTTP client and guard come from the one helper: it calls the vendor and its health follows", async () => {
      expect(sources[0]!.health().state).toBe("unknown");
      await sources[0]!.probe!();
      expect(seenKeys.at(-1)).toBe("secret-ping-key");
      expect(sources[0]!.health().state).toBe("ok");
    });
  });

  it("puts a listed vendor in the demo: its simulators started and stopped with the rest, its accounts seeded", async () => {
    const demo = await startVendorDemos([pingVendor]);
    expect(demo.sources).toEqual({ pinger: { kind: "ping", url: "http://127.0.0.1:9/", apiKey: "demo-ping-key" } });
    expect(demo.pinger).toBeDefined();
    await demo.close();
    expect(stopped).toEqual(["pinger"]);

    const store = await openStore("memory://");
    try {
      await seedDemo(store, [pingVendor]);
      const accounts = await store.customers.accountsOf([...DEMO_CUSTOMER_IDS]);
      expect(accounts.map((a) => [a.customerId, a.source, a.externalId])).toEqual([
        [DEMO_CUSTOMER_IDS[0], "pinger", "ping-1"],
        [DEMO_CUSTOMER_IDS[1], "pinger", "ping-2"],
      ]);
    } finally {
      await store.close();
    }
  });
});

import { createServer } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import { DEFAULT_CRYPTOLENS_PRODUCT_ID } from "../../src/simulators/cryptolens/data.js";

/**
 * `license-gateway check` against the vendor simulators: every check passes with the right credentials (each
 * source answering one read that changes nothing), and each kind of failure (a refused credential per vendor, an
 * unreachable or misplaced vendor, an unreachable store or Redis, an invalid config) is one `failed` line with its
 * code, naming keys but never a configured value.
 */
let vendors: DemoVendors;
let dir: string;
let closedPort: number;

beforeAll(async () => {
  vendors = await startDemoVendors();
  dir = await mkdtemp(join(tmpdir(), "lg-check-"));
  closedPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
});

afterAll(async () => {
  await vendors?.close();
  await rm(dir, { recursive: true, force: true });
});

async function check(config: unknown, env: Record<string, string> = {}, name = "gateway.yaml") {
  const file = join(dir, name);
  await writeFile(file, typeof config === "string" ? config : stringify(config));
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["check", "--config", file], env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err, text: [...out, ...err].join("\n") };
}

/** The demo sources with every credential as a ${NAME} reference, and the environment that fills them. */
function sourcesFromEnv() {
  const s = vendors.sources as Record<string, Record<string, unknown>>;
  return {
    sources: {
      sofar: { ...s.sofar, refreshToken: "${SOFAR_REFRESH_TOKEN}" },
      smartgridone: { ...s.smartgridone, password: "${SGO_PASSWORD}" },
      cryptolens: { ...s.cryptolens, token: "${CRYPTOLENS_TOKEN}" },
      flashstart: { ...s.flashstart, apiKey: "${FLASHSTART_API_KEY}" },
      esmart: { ...s.esmart, password: "${ESMART_PASSWORD}" },
    },
    env: {
      SOFAR_REFRESH_TOKEN: String(s.sofar!.refreshToken),
      SGO_PASSWORD: String(s.smartgridone!.password),
      CRYPTOLENS_TOKEN: String(s.cryptolens!.token),
      FLASHSTART_API_KEY: String(s.flashstart!.apiKey),
      ESMART_PASSWORD: String(s.esmart!.password),
    },
  };
}

const line = (status: "ok" | "failed", name: string, detail: string | RegExp) =>
  expect.stringMatching(new RegExp(`^${status}\\s+${name}\\s+${typeof detail === "string" ? escape(detail) : detail.source}`));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("license-gateway check", () => {
  it("passes with working credentials: one line per check, one read per vendor, nothing written", { timeout: 60_000 }, async () => {
    const { sources, env } = sourcesFromEnv();
    const redisUrl = process.env.REDIS_URL;
    for (const sim of [vendors.sofar, vendors.smartgridone, vendors.cryptolens, vendors.flashstart, vendors.esmart]) sim.calls.reset();
    const result = await check(
      { store: { url: "memory://" }, auth: { mode: "on" }, sources, ...(redisUrl ? { cache: { url: redisUrl } } : {}) },
      env,
    );
    expect(result.err).toEqual([`all ${8 + (redisUrl ? 1 : 0)} checks passed`]);
    expect(result.code).toBe(0);
    expect(result.out).toEqual([
      line("ok", "config", "valid: 5 sources, auth on"),
      line("ok", "store", "memory:// answers"),
      // A new embedded store has no tables yet: the gateway (or `migrate`) creates them.
      line("ok", "migrations", /\d+ pending \(1, 2, 3, 4[\d, ]*\): applied by `license-gateway migrate` or at start/),
      ...(redisUrl ? [line("ok", "redis", "redis://")] : []),
      line("ok", "source sofar", /eniris: an authenticated read answered in \d+ ms/),
      line("ok", "source smartgridone", /eniris: an authenticated read answered in \d+ ms/),
      line("ok", "source cryptolens", /cryptolens: an authenticated read answered in \d+ ms/),
      line("ok", "source flashstart", /customerarea: an authenticated read answered in \d+ ms/),
      line("ok", "source esmart", /esmart: an authenticated read answered in \d+ ms/),
    ]);
    const calls = (sim: { calls: { list(): Array<{ method: string; path: string }> } }) =>
      sim.calls.list().map((c) => `${c.method} ${c.path}`);
    expect(calls(vendors.sofar)).toEqual(["GET /auth/accesstoken", "POST /v1/device/query"]);
    expect(calls(vendors.smartgridone)).toEqual(["POST /auth/login", "GET /auth/accesstoken", "POST /v1/device/query"]);
    expect(calls(vendors.cryptolens)).toEqual(["POST /api/key/GetKey"]);
    expect(calls(vendors.flashstart)).toEqual(["GET /customerarea/licenses/available"]);
    expect(calls(vendors.esmart)).toEqual(["GET /api/ping"]);
  });

  it("fails each refused credential, unreachable or misplaced vendor, store and Redis on its own line, and never prints a secret", async () => {
    const { sources, env } = sourcesFromEnv();
    const wrong = {
      SOFAR_REFRESH_TOKEN: "refused-refresh-token-0a1",
      SGO_PASSWORD: "refused-password-1b2",
      CRYPTOLENS_TOKEN: "refused-token-2c3",
      FLASHSTART_API_KEY: "refused-api-key-3d4",
      ESMART_PASSWORD: "refused-password-4e5",
      PG_PASSWORD: "pg-password-5f6",
      REDIS_PASSWORD: "redis-password-6a7",
    };
    const result = await check(
      {
        store: { url: `postgres://gateway:\${PG_PASSWORD}@127.0.0.1:${closedPort}/gateway` },
        cache: { url: `redis://:\${REDIS_PASSWORD}@127.0.0.1:${closedPort}` },
        auth: { mode: "on" },
        sources: {
          ...sources,
          // Nothing listens there.
          gone: {
            kind: "cryptolens",
            url: `http://127.0.0.1:${closedPort}/api/`,
            token: "${CRYPTOLENS_TOKEN}",
            productId: DEFAULT_CRYPTOLENS_PRODUCT_ID,
            resilience: { retries: 0 },
          },
          // The right host and key, a wrong base path: the vendor's 404 must not pass for an answer.
          misplaced: {
            ...sources.flashstart,
            url: vendors.flashstart.url.replace(/customerarea\/?$/, "elsewhere/"),
            apiKey: env.FLASHSTART_API_KEY,
          },
        },
      },
      { ...env, ...wrong, FLASHSTART_API_KEY: wrong.FLASHSTART_API_KEY },
    );
    expect(result.code).toBe(1);
    expect(result.out).toEqual([
      line("ok", "config", "valid: 7 sources, auth on"),
      line("failed", "store", `STORE_UNREACHABLE: postgres://***@127.0.0.1:${closedPort}/gateway: `),
      line("failed", "redis", `REDIS_UNREACHABLE: cannot reach Redis at redis://***@127.0.0.1:${closedPort}`),
      line("failed", "source sofar", "UPSTREAM_UNAUTHENTICATED: eniris: "),
      line("failed", "source smartgridone", "UPSTREAM_UNAUTHENTICATED: eniris: "),
      line("failed", "source cryptolens", "UPSTREAM_UNAUTHENTICATED: cryptolens: "),
      line("failed", "source flashstart", "UPSTREAM_UNAUTHENTICATED: customerarea: "),
      line("failed", "source esmart", "UPSTREAM_UNAUTHENTICATED: esmart: "),
      line("failed", "source gone", "UPSTREAM_UNAVAILABLE: cryptolens: "),
      line("failed", "source misplaced", /(NOT_FOUND|UPSTREAM_REJECTED): customerarea: /),
    ]);
    expect(result.err).toEqual(["9 of 10 checks failed"]);
    expect(Object.values(wrong).filter((secret) => result.text.includes(secret))).toEqual([]);
  });

  it("names each invalid key and the rule it breaks, never the value", async () => {
    const { sources, env } = sourcesFromEnv();
    const result = await check(
      {
        server: { prot: 4000, shutdownGraceMs: -1 },
        auth: { mode: "on" },
        sources: {
          ...sources,
          sofar: { ...sources.sofar, apiUrl: "ftp://VALUE-MARKER-host.example/" },
          cryptolens: { ...sources.cryptolens, productId: "VALUE-MARKER-id" },
        },
      },
      env,
    );
    expect(result.code).toBe(1);
    expect(result.out).toEqual(
      expect.arrayContaining([
        line("failed", "config", "CONFIG_INVALID: server: Unrecognized key"),
        line("failed", "config", "CONFIG_INVALID: server.shutdownGraceMs: "),
        line("failed", "config", "CONFIG_INVALID: sources.sofar.apiUrl: "),
        line("failed", "config", "CONFIG_INVALID: sources.cryptolens.productId: "),
      ]),
    );
    expect(result.out.every((l) => l.startsWith("failed  config  CONFIG_INVALID: "))).toBe(true);
    expect(result.text).not.toContain("VALUE-MARKER");
    expect(result.text).not.toContain(env.CRYPTOLENS_TOKEN);
  });

  it("says which environment variable is missing, and which file cannot be read or parsed, without quoting it", async () => {
    const { sources } = sourcesFromEnv();
    const missing = await check({ auth: { mode: "on" }, sources }, {});
    expect(missing).toMatchObject({
      code: 1,
      out: [line("failed", "config", /CONFIG_INVALID: config sources\.\w+\.\w+: environment variable \w+ is not set/)],
    });

    const unparsable = await check('auth: { mode: on }\ntoken: "SECRET-ON-A-BAD-LINE\n', {}, "broken.yaml");
    expect(unparsable.code).toBe(1);
    expect(unparsable.out).toEqual([line("failed", "config", /CONFIG_INVALID: config file .*broken\.yaml is not valid YAML/)]);
    expect(unparsable.text).not.toContain("SECRET-ON-A-BAD-LINE");

    const out: string[] = [];
    const absent = await main(["check", "--config", join(dir, "absent.yaml")], {}, { out: (l) => out.push(l), err: () => {} });
    expect(absent).toBe(1);
    expect(out).toEqual([line("failed", "config", /CONFIG_INVALID: cannot read config file .*absent\.yaml: ENOENT/)]);

    const usage: string[] = [];
    expect(await main(["check"], {}, { out: () => {}, err: (l) => usage.push(l) })).toBe(2);
    expect(usage.join("\n")).toContain("check needs --config FILE");
  });
});

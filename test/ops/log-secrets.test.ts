import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../src/app.js";
import { ApiKeyAdmin } from "../../src/auth/key-admin.js";
import { configSchema, type GatewayConfig } from "../../src/config/schema.js";
import { seedDemo } from "../../src/demo/seed.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import { AuditedWriter } from "../../src/federation/mutations/audited.js";
import { JWT_AUDIENCE, JWT_ISSUER, JWT_SECRET, signJwt } from "../auth/roles.js";
import { captureLogs } from "./log-capture.js";

/**
 * The log of a run that uses every kind of credential (vendor passwords, tokens and API keys, some refused by the
 * vendors; the JWT secret; API keys and JWTs from clients, some refused), at trace level, holds none of them. The
 * same logger is then handed the objects a careless log call is most likely to pass (the whole config, a source's
 * config, request headers, a Redis AUTH error), and still none appears: redaction, not only care, keeps them out.
 */
const logs = captureLogs("trace");
const WRONG = { sofarRefreshToken: "sofar-refresh-REFUSED-81f2", flashstartApiKey: "flashstart-key-REFUSED-c93a" };
const URL_PASSWORDS = { store: "pg-PASSWORD-in-url-0d1e", redis: "redis-PASSWORD-in-url-77ab" };
const TELEMETRY = { metricsBearer: "metrics-BEARER-token-5e6f", otlpApiKey: "otlp-API-key-in-a-header-9a0b" };

let vendors: DemoVendors;
let gateway: Gateway;
let config: GatewayConfig;
const secrets: string[] = [JWT_SECRET, ...Object.values(WRONG), ...Object.values(URL_PASSWORDS), ...Object.values(TELEMETRY)];

beforeAll(async () => {
  vendors = await startDemoVendors();
  const sources = {
    ...vendors.sources,
    sofar: { ...vendors.sources.sofar, refreshToken: WRONG.sofarRefreshToken },
    flashstart: { ...vendors.sources.flashstart, apiKey: WRONG.flashstartApiKey },
  };
  // The credentials the vendors accept are secrets too.
  const working = vendors.sources as Record<string, Record<string, unknown>>;
  secrets.push(String(working.smartgridone!.password), String(working.cryptolens!.token), String(working.esmart!.password));
  config = configSchema.parse({
    server: { host: "127.0.0.1", port: 0 },
    store: { url: "memory://" },
    sources,
    auth: { mode: "on", jwt: { hs256Secret: JWT_SECRET, issuer: JWT_ISSUER, audience: JWT_AUDIENCE } },
  });
  gateway = await startGateway({ config, logger: logs.logger });
  await seedDemo(gateway.store);
});

afterAll(async () => {
  await gateway?.close();
  await vendors?.close();
});

async function send(authorization: string | undefined, query: string) {
  const res = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.text() };
}

describe("the log", () => {
  it("of a run with credentials everywhere holds none of them", async () => {
    const created = await new ApiKeyAdmin(new AuditedWriter(gateway.store, "test"), { requireAdmin: () => {} }).createApiKey({
      name: "ops",
      role: "admin",
    });
    const apiKey = created.secret!;
    const jwt = await signJwt({ sub: "ops-person", role: "admin" });
    const forged = await signJwt({ sub: "intruder", role: "admin" }, { secret: "a-guessed-secret-that-is-long-enough-42" });
    secrets.push(apiKey, apiKey.split("_").slice(2).join("_"), jwt, forged);

    // Reads through every source: Sofar and FlashStart refuse the gateway's credentials, the others accept theirs.
    const everything = "{ customers { edges { node { licenses { key } profile { name } availableLicenses { code } } } } }";
    const read = await send(`Bearer ${apiKey}`, everything);
    expect(read.body).toContain("UPSTREAM_UNAUTHENTICATED");
    expect((await send(`Bearer ${jwt}`, "{ sources { id state lastErrorCode } }")).status).toBe(200);
    for (const refused of [`Bearer ${forged}`, `Bearer ${apiKey}x`, `Bearer ${JWT_SECRET}`, apiKey])
      expect((await send(refused, "{ sources { id } }")).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const text = logs.text();
    expect(logs.entries().filter((e) => e.msg === "request").length).toBeGreaterThanOrEqual(6);
    expect(text).toContain("authentication refused");
    expect(secrets.filter((s) => text.includes(s)).map((s) => `${s.slice(0, 8)}…`)).toEqual([]);
  });

  it("redacts credentials from the objects a careless log call would pass", () => {
    const before = logs.entries().length;
    const telemetry = {
      metrics: { bearerToken: TELEMETRY.metricsBearer },
      tracing: { otlp: { url: "https://otel.example/v1/traces", headers: { "x-honeycomb-team": TELEMETRY.otlpApiKey } } },
    };
    const withUrls = {
      ...config,
      store: { url: `postgres://gateway:${URL_PASSWORDS.store}@db:5432/gateway` },
      cache: { ...config.cache, url: `redis://:${URL_PASSWORDS.redis}@redis:6379` },
      telemetry,
    };
    const log = logs.logger;
    log.info({ config: withUrls }, "the whole config");
    log.info({ telemetry }, "the telemetry section");
    for (const [id, source] of Object.entries(config.sources)) log.info({ source: { id, ...source } }, "a source's config");
    log.info({ sources: config.sources }, "every source's config");
    log.info({ ...config.sources.smartgridone }, "a source's config, spread");
    log.info({ auth: config.auth }, "the auth section");
    log.info(
      { headers: { authorization: `Bearer ${secrets[0]}`, "x-api-key": WRONG.flashstartApiKey, cookie: `s=${secrets[1]}` } },
      "request headers",
    );
    log.info({ req: { headers: { authorization: `Bearer ${secrets[0]}` } } }, "a request");
    // ioredis puts the failed command on its errors; an AUTH command's argument is the password.
    log.error(
      {
        err: Object.assign(new Error("WRONGPASS invalid username-password pair"), {
          command: { name: "auth", args: [URL_PASSWORDS.redis] },
        }),
      },
      "redis",
    );
    const lines = logs.entries().slice(before);
    expect(lines).toHaveLength(8 + Object.keys(config.sources).length);
    expect(lines[0]!.config.sources.sofar).toMatchObject({ kind: "eniris", refreshToken: "[redacted]" });
    const text = JSON.stringify(lines);
    expect(secrets.filter((s) => text.includes(s)).map((s) => `${s.slice(0, 8)}…`)).toEqual([]);
  });
});

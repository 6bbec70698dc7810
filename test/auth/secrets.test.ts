import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../src/app.js";
import { ApiKeyAdmin } from "../../src/auth/key-admin.js";
import { configSchema } from "../../src/config/schema.js";
import { seedDemo } from "../../src/demo/seed.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import { AuditedWriter } from "../../src/federation/mutations/audited.js";
import { createLogger } from "../../src/logger.js";
import { A, JWT_AUDIENCE, JWT_ISSUER, JWT_SECRET, signJwt } from "./roles.js";

/**
 * Secrets never appear in logs, errors or responses. The gateway runs with every kind of secret it holds
 * (vendor credentials that work and vendor credentials that are refused, a JWT secret, API keys), is driven
 * through the failures most likely to echo one (refused client credentials, vendor auth failures, revoked keys),
 * and everything it said (every log line at trace level, every response body and header, the audit log) is
 * searched for each secret.
 */
const WRONG = {
  sofarRefreshToken: "sofar-refresh-token-that-the-vendor-refuses-Q7",
  flashstartApiKey: "flashstart-api-key-that-the-vendor-refuses-Z9",
  esmartPassword: "esmart-password-that-the-vendor-refuses-K4",
};

let vendors: DemoVendors;
let gateway: Gateway;
const logLines: string[] = [];
/** Everything clients were told, except the one payload whose job is to show a new key's secret. */
const told: string[] = [];
const secrets: string[] = [JWT_SECRET, ...Object.values(WRONG)];
let adminToken: string;

beforeAll(async () => {
  vendors = await startDemoVendors();
  const sources = {
    ...vendors.sources,
    sofar: { ...vendors.sources.sofar, refreshToken: WRONG.sofarRefreshToken },
    flashstart: { ...vendors.sources.flashstart, apiKey: WRONG.flashstartApiKey },
    esmart: { ...vendors.sources.esmart, password: WRONG.esmartPassword },
  };
  // The credentials that work are secrets too: SmartgridOne's password, Cryptolens' token.
  const working = vendors.sources as Record<string, Record<string, unknown>>;
  secrets.push(String(working.smartgridone!.password), String(working.cryptolens!.token));
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const config = configSchema.parse({
    server: { host: "127.0.0.1", port: 0 },
    store: { url: "memory://" },
    sources,
    auth: { mode: "on", jwt: { hs256Secret: JWT_SECRET, issuer: JWT_ISSUER, audience: JWT_AUDIENCE } },
  });
  gateway = await startGateway({ config, logger: createLogger("trace", sink) });
  await seedDemo(gateway.store);
  const made = await new ApiKeyAdmin(new AuditedWriter(gateway.store, "test-setup"), { requireAdmin: () => {} }).createApiKey({
    name: "ops",
    role: "admin",
  });
  adminToken = made.secret!;
  // The secret is base64url and may itself contain "_": everything after the id is the secret (a regression: taking
  // only the third "_"-separated part gave a fragment of a few letters that every text "contained").
  secrets.push(adminToken, adminToken.split("_").slice(2).join("_"));
});

afterAll(async () => {
  await gateway?.close();
  await vendors?.close();
});

async function send(
  authorization: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
  options: { record?: boolean } = {},
) {
  const res = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  if (options.record ?? true) told.push(text, JSON.stringify([...res.headers]));
  return { status: res.status, headers: res.headers, body: JSON.parse(text) };
}

describe("secrets", () => {
  it("drive every failure that could echo one", async () => {
    const admin = `Bearer ${adminToken}`;
    // Vendor auth failures, on reads and on writes.
    const read = await send(
      admin,
      `query($id: ID!) { customer(id: $id) { licenses { key } profile { name } availableLicenses { code } controllers { hardware { serialNumber } } } }`,
      { id: A },
    );
    expect(read.body.errors.map((e: any) => e.extensions.code)).toContain("UPSTREAM_UNAUTHENTICATED");
    await send(admin, `mutation { activateLicense(input: { source: "sofar", key: "SOFAR-COM-0002" }) { errors { code } } }`);
    await send(admin, `mutation { assignDemoLicense(input: { source: "flashstart", customerId: "${A}" }) { errors { code } } }`);
    await send(admin, `mutation { updateCustomerContact(input: { customerId: "${A}", email: "a@example.com" }) { errors { code } } }`);
    await send(admin, `{ sources { id lastErrorCode } }`);

    // A key made, used, revoked and used again; its secret is shown once, in the payload that creates it.
    const created = await send(
      admin,
      `mutation { createApiKey(input: { name: "partner", role: PARTNER, grants: ["${A}"] }) { secret errors { code } } }`,
      undefined,
      { record: false },
    );
    const partnerToken: string = created.body.data.createApiKey.secret;
    secrets.push(partnerToken, partnerToken.split("_").slice(2).join("_"));
    expect((await send(`Bearer ${partnerToken}`, `{ customers { count } }`)).status).toBe(200);
    const id = partnerToken.split("_")[1];
    await send(admin, `mutation { revokeApiKey(input: { id: "${id}" }) { errors { code } } }`);
    expect((await send(`Bearer ${partnerToken}`, `{ customers { count } }`)).status).toBe(401);

    // Client credentials refused in every way: each answer must explain without quoting.
    const jwt = await signJwt({ sub: "someone", role: "admin" });
    const expired = await signJwt({ sub: "someone", role: "admin" }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const forged = await signJwt({ sub: "someone", role: "admin" }, { secret: "a-guessed-secret-that-is-long-enough-000" });
    secrets.push(jwt, expired, forged);
    for (const authorization of [
      `Bearer ${adminToken.slice(0, -1)}${adminToken.endsWith("A") ? "B" : "A"}`,
      `Bearer ${adminToken}x`,
      `Bearer ${JWT_SECRET}`,
      `Bearer ${expired}`,
      `Bearer ${forged}`,
      `Basic ${Buffer.from(`ops:${adminToken}`).toString("base64")}`,
      adminToken,
    ]) {
      const refused = await send(authorization, `{ customers { count } }`);
      expect(refused.status).toBe(401);
      expect(refused.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    }
    expect((await send(`Bearer ${jwt}`, `{ customers { count } }`)).status).toBe(200);
  });

  it("appear nowhere: not in a log line, a response body or header, or the audit log", async () => {
    expect(logLines.some((l) => l.includes("authentication refused"))).toBe(true);
    const audit = JSON.stringify(await gateway.store.audit.recent(1000));
    const keys = JSON.stringify(await gateway.store.apiKeys.list());
    const haystacks = { logs: logLines.join("\n"), responses: told.join("\n"), audit, keys };
    const leaks: string[] = [];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${where} contains ${secret.slice(0, 6)}…`);
    }
    expect(leaks).toEqual([]);
  });
});

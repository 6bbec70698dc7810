import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from "jose";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret, parseApiKey, secretMatches } from "../../src/auth/api-keys.js";
import { Authenticator } from "../../src/auth/authenticate.js";
import { AuthenticationError } from "../../src/auth/authentication-error.js";
import { ApiKeyAdmin } from "../../src/auth/key-admin.js";
import { AUTH_OFF_PRINCIPAL } from "../../src/auth/principal.js";
import { ConfigError } from "../../src/config/load.js";
import type { AuthConfig } from "../../src/config/schema.js";
import { AuditedWriter } from "../../src/federation/mutations/audited.js";
import { openStore, type Store } from "../../src/store/store.js";

const SECRET = "an-hs256-secret-of-at-least-32-characters!";
const ISSUER = "https://idp.example.com/";
const AUDIENCE = "license-gateway";
const silent = pino({ level: "silent" });

let store: Store;
let admin: ApiKeyAdmin;
let dir: string;

beforeAll(async () => {
  store = await openStore("memory://");
  await store.customers.upsert({ id: "cust-a", name: "A", accounts: [] });
  await store.customers.upsert({ id: "cust-b", name: "B", accounts: [] });
  admin = new ApiKeyAdmin(new AuditedWriter(store, "test"), { requireAdmin: () => {} });
  dir = await mkdtemp(join(tmpdir(), "lg-auth-"));
});
afterAll(() => store?.close());

async function newKey(input: Parameters<ApiKeyAdmin["createApiKey"]>[0]): Promise<{ id: string; token: string }> {
  const result = await admin.createApiKey(input);
  expect(result.errors).toEqual([]);
  return { id: result.apiKey!.id, token: result.secret! };
}

/** The refusal `authenticate` throws, or a failure if it let the request in. */
async function refusal(auth: Authenticator, header: string | undefined): Promise<AuthenticationError> {
  try {
    const principal = await auth.authenticate(header);
    throw new Error(`expected a refusal, got ${JSON.stringify(principal)}`);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe("UNAUTHENTICATED");
    return error as AuthenticationError;
  }
}

const authenticator = (config: AuthConfig) => Authenticator.create(config, store.apiKeys, silent);

function hs256(
  claims: Record<string, unknown>,
  options: { secret?: string; expiresIn?: string | number; issuer?: string; audience?: string } = {},
) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "5m");
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

describe("API keys", () => {
  it("are lgw_<id>_<secret>, stored as SHA-256 of the secret only, compared in constant time", async () => {
    const { id, token } = await newKey({ name: "ops", role: "admin" });
    const parsed = parseApiKey(token)!;
    expect(parsed.id).toBe(id);
    expect(parsed.secret).toHaveLength(43);
    const row = (await store.apiKeys.get(id))!;
    expect(row.keyHash).toBe(hashSecret(parsed.secret));
    expect(JSON.stringify(row)).not.toContain(parsed.secret);
    expect(secretMatches(parsed.secret, row.keyHash)).toBe(true);
    expect(secretMatches(`${parsed.secret.slice(0, -1)}x`, row.keyHash)).toBe(false);
  });

  it("authenticate an admin, a partner with its grants and a customer as itself, and record the use", async () => {
    const auth = await authenticator({ mode: "on" });
    const adminKey = await newKey({ name: "root", role: "admin" });
    const partner = await newKey({ name: "installer", role: "partner", grants: ["cust-b", "cust-a"] });
    const customer = await newKey({ name: "portal", role: "customer", customerId: "cust-a" });
    expect(await auth.authenticate(`Bearer ${adminKey.token}`)).toEqual({
      id: `apikey:${adminKey.id}`,
      role: "admin",
      customerIds: [],
      via: "api-key",
      documents: { apiKeyId: adminKey.id, locked: false, published: false },
    });
    expect(await auth.authenticate(`bearer  ${partner.token}`)).toEqual({
      id: `apikey:${partner.id}`,
      role: "partner",
      customerIds: ["cust-a", "cust-b"],
      via: "api-key",
      documents: { apiKeyId: partner.id, locked: false, published: false },
    });
    expect(await auth.authenticate(`Bearer ${customer.token}`)).toEqual({
      id: `apikey:${customer.id}`,
      role: "customer",
      customerIds: ["cust-a"],
      via: "api-key",
      documents: { apiKeyId: customer.id, locked: false, published: false },
    });
    expect((await store.apiKeys.get(customer.id))!.lastUsedAt).toBeInstanceOf(Date);
  });

  it("refuse a revoked key, an unknown id and a wrong secret with one message, so the answer does not say which ids exist", async () => {
    const auth = await authenticator({ mode: "on" });
    const { id, token } = await newKey({ name: "soon revoked", role: "admin" });
    const wrongSecret = `lgw_${id}_${"A".repeat(43)}`;
    const unknownId = token.replace(id, "0123456789abcdef");
    for (const header of [wrongSecret, unknownId]) {
      expect((await refusal(auth, `Bearer ${header}`)).message).toBe("unknown or revoked API key");
    }
    expect((await admin.revokeApiKey({ id })).apiKey!.revokedAt).toBeInstanceOf(Date);
    const revoked = await refusal(auth, `Bearer ${token}`);
    expect(revoked).toMatchObject({ message: "unknown or revoked API key", invalidToken: true });
  });

  it("refuse malformed keys, missing credentials and other schemes", async () => {
    const auth = await authenticator({ mode: "on" });
    for (const bad of ["lgw_", "lgw_abc_def", `lgw_0123456789abcdeg_${"A".repeat(43)}`, `lgw_0123456789abcdef_${"A".repeat(42)}`]) {
      expect((await refusal(auth, `Bearer ${bad}`)).message).toMatch(/^malformed API key/);
    }
    expect(await refusal(auth, undefined)).toMatchObject({
      invalidToken: false,
      message: expect.stringMatching(/authentication required/),
    });
    expect(await refusal(auth, "Basic dXNlcjpwYXNz")).toMatchObject({ invalidToken: false, message: expect.stringMatching(/Bearer/) });
    // No JWT configured: anything that is not an API key is refused as such.
    expect((await refusal(auth, `Bearer ${await hs256({ sub: "x", role: "admin" })}`)).message).toBe("this gateway accepts API keys only");
  });

  it("are checked at creation: a customer key names an existing customer, only partner keys get grants", async () => {
    expect((await admin.createApiKey({ name: "c", role: "customer" })).errors).toEqual([
      expect.objectContaining({ code: "BAD_USER_INPUT", field: ["input", "customerId"] }),
    ]);
    expect((await admin.createApiKey({ name: "c", role: "customer", customerId: "nobody" })).errors).toEqual([
      expect.objectContaining({ code: "NOT_FOUND", field: ["input", "customerId"] }),
    ]);
    expect((await admin.createApiKey({ name: "a", role: "admin", grants: ["cust-a"] })).errors).toEqual([
      expect.objectContaining({ code: "BAD_USER_INPUT", field: ["input", "grants"] }),
    ]);
    expect((await admin.createApiKey({ name: "p", role: "partner", grants: ["nobody"] })).errors).toEqual([
      expect.objectContaining({ code: "NOT_FOUND", field: ["input", "grants"] }),
    ]);
    expect((await admin.createApiKey({ name: " ", role: "admin" })).errors).toEqual([
      expect.objectContaining({ code: "BAD_USER_INPUT", field: ["input", "name"] }),
    ]);
  });

  it("take grants after creation, and lose them", async () => {
    const auth = await authenticator({ mode: "on" });
    const partner = await newKey({ name: "later", role: "partner" });
    expect((await auth.authenticate(`Bearer ${partner.token}`)).customerIds).toEqual([]);
    expect((await admin.grantCustomer({ apiKeyId: partner.id, customerId: "cust-b" })).apiKey!.grants).toEqual(["cust-b"]);
    expect((await auth.authenticate(`Bearer ${partner.token}`)).customerIds).toEqual(["cust-b"]);
    expect((await admin.revokeGrant({ apiKeyId: partner.id, customerId: "cust-b" })).apiKey!.grants).toEqual([]);
    expect((await admin.grantCustomer({ apiKeyId: partner.id, customerId: "nobody" })).errors[0]).toMatchObject({ code: "NOT_FOUND" });
    const customer = await newKey({ name: "c", role: "customer", customerId: "cust-a" });
    expect((await admin.grantCustomer({ apiKeyId: customer.id, customerId: "cust-b" })).errors[0]).toMatchObject({
      code: "BAD_USER_INPUT",
      field: ["input", "apiKeyId"],
    });
    expect((await admin.revokeApiKey({ id: "0000000000000000" })).errors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "id"] });
  });

  it("are audited by the principal that made them, never with the secret", async () => {
    const { token } = await newKey({ name: "audited", role: "admin" });
    const [entry] = (await store.audit.recent(20)).filter(
      (e) => e.operation === "createApiKey" && (e.input as { name: string }).name === "audited",
    );
    expect(entry).toMatchObject({ principal: "test", outcome: "ok", input: { name: "audited", role: "admin" } });
    expect(JSON.stringify(entry)).not.toContain(parseApiKey(token)!.secret);
  });
});

describe("JWT bearer tokens (HS256)", () => {
  const config: AuthConfig = { mode: "on", jwt: { hs256Secret: SECRET, issuer: ISSUER, audience: AUDIENCE } };
  const good = { issuer: ISSUER, audience: AUDIENCE };

  it("map sub, role, customer_id and customers to a principal", async () => {
    const auth = await authenticator(config);
    expect(await auth.authenticate(`Bearer ${await hs256({ sub: "ops@example.com", role: "admin" }, good)}`)).toEqual({
      id: "jwt:ops@example.com",
      role: "admin",
      customerIds: [],
      via: "jwt",
    });
    expect(await auth.authenticate(`Bearer ${await hs256({ sub: "p1", role: "partner", customers: ["cust-a"] }, good)}`)).toEqual({
      id: "jwt:p1",
      role: "partner",
      customerIds: ["cust-a"],
      via: "jwt",
    });
    expect(
      await auth.authenticate(`Bearer ${await hs256({ sub: "c1", role: "customer", customer_id: "cust-b", customers: ["cust-a"] }, good)}`),
    ).toEqual({
      id: "jwt:c1",
      role: "customer",
      customerIds: ["cust-b"],
      via: "jwt",
    });
  });

  it.each([
    ["expired", () => hs256({ sub: "x", role: "admin" }, { ...good, expiresIn: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
    [
      "signed with another secret",
      () => hs256({ sub: "x", role: "admin" }, { ...good, secret: "another-secret-of-at-least-32-characters" }),
      /signature/,
    ],
    ["from another issuer", () => hs256({ sub: "x", role: "admin" }, { ...good, issuer: "https://evil.example.com/" }), /"iss"/],
    ["for another audience", () => hs256({ sub: "x", role: "admin" }, { ...good, audience: "someone-else" }), /"aud"/],
    [
      "unsigned (alg none)",
      async () => new UnsecuredJWT({ sub: "x", role: "admin" }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime("5m").encode(),
      /alg none/,
    ],
    [
      "without exp",
      () =>
        new SignJWT({ sub: "x", role: "admin" })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .sign(new TextEncoder().encode(SECRET)),
      /"exp"/,
    ],
    ["without sub", () => hs256({ role: "admin" }, good), /"sub"/],
    ["with an unknown role", () => hs256({ sub: "x", role: "root" }, good), /role/],
    ["of a customer without customer_id", () => hs256({ sub: "x", role: "customer" }, good), /customer_id/],
    ["that is not a JWT at all", async () => "not.a.jwt", /not valid|neither/],
  ])("refuses a token %s", async (_, make, message) => {
    const auth = await authenticator(config);
    const error = await refusal(auth, `Bearer ${await make()}`);
    expect(error.message).toMatch(message);
    expect(error.invalidToken).toBe(true);
  });
});

describe("JWT bearer tokens (JWKS file)", () => {
  let signing: CryptoKey;
  let stranger: CryptoKey;
  let jwksFile: string;

  beforeAll(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    signing = pair.privateKey;
    stranger = (await generateKeyPair("RS256")).privateKey;
    jwksFile = join(dir, "jwks.json");
    await writeFile(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" }] }));
  });

  const rs256 = (key: CryptoKey, claims: Record<string, unknown> = { sub: "idp-user", role: "partner", customers: ["cust-b"] }) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime("5m")
      .sign(key);

  it("accepts a token signed by a key in the file", async () => {
    const auth = await authenticator({ mode: "on", jwt: { jwksFile, issuer: ISSUER, audience: AUDIENCE } });
    expect(await auth.authenticate(`Bearer ${await rs256(signing)}`)).toEqual({
      id: "jwt:idp-user",
      role: "partner",
      customerIds: ["cust-b"],
      via: "jwt",
    });
  });

  it("refuses a token signed by another key, and HS256 tokens when no secret is configured (no algorithm confusion)", async () => {
    const auth = await authenticator({ mode: "on", jwt: { jwksFile, issuer: ISSUER, audience: AUDIENCE } });
    expect((await refusal(auth, `Bearer ${await rs256(stranger)}`)).message).toMatch(/signature/);
    expect(
      (await refusal(auth, `Bearer ${await hs256({ sub: "x", role: "admin" }, { issuer: ISSUER, audience: AUDIENCE })}`)).message,
    ).toMatch(/HS256 tokens are not accepted/);
  });

  it("is checked at start: readable, a non-empty keys array, public keys only, with issuer and audience", async () => {
    const write = async (name: string, content: string) => {
      const file = join(dir, name);
      await writeFile(file, content);
      return file;
    };
    const withKeys = { issuer: ISSUER, audience: AUDIENCE };
    const privateJwk = await exportJWK((await generateKeyPair("ES256", { extractable: true })).privateKey);
    const cases: Array<[AuthConfig["jwt"], RegExp]> = [
      [{ jwksFile: join(dir, "missing.json"), ...withKeys }, /auth\.jwt\.jwksFile: cannot read .*ENOENT/],
      [{ jwksFile: await write("bad.json", "{"), ...withKeys }, /auth\.jwt\.jwksFile: .* is not JSON/],
      [{ jwksFile: await write("empty.json", '{"keys":[]}'), ...withKeys }, /non-empty "keys" array/],
      [{ jwksFile: await write("private.json", JSON.stringify({ keys: [privateJwk] })), ...withKeys }, /private or symmetric/],
      [{ jwksFile }, /issuer and audience are required/],
      [{}, /needs hs256Secret or jwksFile/],
    ];
    for (const [jwt, message] of cases) {
      const error = await authenticator({ mode: "on", jwt }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(String(error)).toMatch(message);
      expect(String(error)).not.toContain(privateJwk.d!);
    }
  });
});

describe("auth.mode: off", () => {
  it("lets every request in as the auth-off admin, whatever it sends", async () => {
    const auth = await authenticator({ mode: "off", jwt: { hs256Secret: SECRET } });
    expect(await auth.authenticate(undefined)).toBe(AUTH_OFF_PRINCIPAL);
    expect(await auth.authenticate("Bearer lgw_garbage")).toEqual({ id: "auth-off", role: "admin", customerIds: [], via: "auth-off" });
  });
});

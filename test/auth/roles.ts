import { SignJWT } from "jose";
import { expect } from "vitest";
import { ApiKeyAdmin } from "../../src/auth/key-admin.js";
import { DEMO_CUSTOMER_IDS } from "../../src/demo/seed.js";
import { AuditedWriter } from "../../src/federation/mutations/audited.js";
import type { Store } from "../../src/store/store.js";

/** Customer A and customer B of the authorization tables: the demo's first two customers. */
export const A = DEMO_CUSTOMER_IDS[0];
export const B = DEMO_CUSTOMER_IDS[1];
export const C = DEMO_CUSTOMER_IDS[2];

export const JWT_SECRET = "authz-suite-hs256-secret-0123456789abcdef";
export const JWT_ISSUER = "https://idp.authz.test/";
export const JWT_AUDIENCE = "license-gateway";
/** The gateway's auth section for these suites: API keys, and HS256 JWTs. */
export const AUTH_ON = { mode: "on" as const, jwt: { hs256Secret: JWT_SECRET, issuer: JWT_ISSUER, audience: JWT_AUDIENCE } };

/** Every authenticated role of the tables. Anonymous is tested apart: it never gets past the door (HTTP 401). */
export type Who = "customerA" | "partnerA" | "partnerB" | "admin";
export const WHO: readonly Who[] = ["customerA", "partnerA", "partnerB", "admin"];

export interface Principals {
  headers: Record<Who, Record<string, string>>;
  /** Audit-log principal ids. */
  ids: Record<Who, string>;
}

export function signJwt(claims: Record<string, unknown>, options: { secret?: string; expiresIn?: string | number } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "10m")
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

/**
 * The table's principals, both kinds of credential mixed on purpose (the rules must not depend on the kind):
 * API keys for the admin, customer A and partner A (granted A); a JWT for partner B (granted B).
 */
export async function makePrincipals(store: Store): Promise<Principals> {
  const keys = new ApiKeyAdmin(new AuditedWriter(store, "test-setup"), { requireAdmin: () => {} });
  const key = async (input: Parameters<ApiKeyAdmin["createApiKey"]>[0]) => {
    const created = await keys.createApiKey(input);
    expect(created.errors).toEqual([]);
    return { id: `apikey:${created.apiKey!.id}`, bearer: { authorization: `Bearer ${created.secret!}` } };
  };
  const admin = await key({ name: "authz admin", role: "admin" });
  const customerA = await key({ name: "authz customer A", role: "customer", customerId: A });
  const partnerA = await key({ name: "authz partner A", role: "partner", grants: [A] });
  const partnerB = {
    id: "jwt:partner-b",
    bearer: { authorization: `Bearer ${await signJwt({ sub: "partner-b", role: "partner", customers: [B] })}` },
  };
  return {
    headers: { admin: admin.bearer, customerA: customerA.bearer, partnerA: partnerA.bearer, partnerB: partnerB.bearer },
    ids: { admin: admin.id, customerA: customerA.id, partnerA: partnerA.id, partnerB: partnerB.id },
  };
}

import { readFile } from "node:fs/promises";
import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { ConfigError } from "../config/load.js";
import type { AuthConfig } from "../config/schema.js";
import { AuthenticationError } from "./authentication-error.js";
import { ROLES, type Principal } from "./principal.js";

/**
 * The claims the gateway reads from a bearer JWT (documented in docs/operations.md, "Authentication and roles"):
 *   sub          required; the principal is `jwt:<sub>` in the audit log
 *   role         required; "admin", "partner" or "customer"
 *   customer_id  required for role "customer": the gateway customer id it acts as
 *   customers    for role "partner": the gateway customer ids granted to it (default none)
 *   exp          required; iss and aud are checked when the config names them
 */
const claimsSchema = z
  .object({
    sub: z.string().min(1).max(200),
    role: z.enum(ROLES as [string, ...string[]]),
    customer_id: z.string().min(1).max(200).optional(),
    customers: z.array(z.string().min(1).max(200)).max(10_000).optional(),
  })
  .refine((c) => c.role !== "customer" || c.customer_id !== undefined, { message: "a customer token needs customer_id" });

/** Asymmetric algorithms accepted with a JWKS file. HS256 only with the configured secret; `none` never. */
const JWKS_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
/** Clock skew tolerated on exp/nbf/iat between the token's issuer and the gateway. */
const CLOCK_TOLERANCE_SECONDS = 30;

type JwtConfig = NonNullable<AuthConfig["jwt"]>;

/** Verifies bearer JWTs against an HS256 secret and/or the public keys of a JWKS file, both from the config. */
export class JwtVerifier {
  private constructor(
    private readonly secret: Uint8Array | undefined,
    private readonly jwks: JWTVerifyGetKey | undefined,
    private readonly config: JwtConfig,
  ) {}

  /**
   * Reads the JWKS file once, at start. A JWKS comes from an identity provider that signs tokens for other
   * applications too, so with one the config must say which issuer and audience are ours.
   */
  static async fromConfig(config: JwtConfig): Promise<JwtVerifier> {
    const secret = config.hs256Secret === undefined ? undefined : new TextEncoder().encode(config.hs256Secret);
    let jwks: JWTVerifyGetKey | undefined;
    if (config.jwksFile !== undefined) {
      if (config.issuer === undefined || config.audience === undefined) {
        throw new ConfigError(
          "invalid config:\n  auth.jwt: with jwksFile, issuer and audience are required (an identity provider signs tokens for other applications too)",
        );
      }
      jwks = createLocalJWKSet(await readJwks(config.jwksFile));
    }
    if (secret === undefined && jwks === undefined) throw new ConfigError("invalid config:\n  auth.jwt: needs hs256Secret or jwksFile");
    return new JwtVerifier(secret, jwks, config);
  }

  async verify(token: string): Promise<Principal> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AuthenticationError("the bearer token is neither an API key nor a JWT", true);
    }
    if (alg === undefined || alg.toLowerCase() === "none") throw new AuthenticationError("unsigned tokens (alg none) are refused", true);
    const options = {
      issuer: this.config.issuer,
      audience: this.config.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["exp", "sub"],
    };
    let payload: JWTPayload;
    try {
      if (alg === "HS256") {
        if (!this.secret) throw new AuthenticationError("HS256 tokens are not accepted here", true);
        payload = (await jwtVerify(token, this.secret, { ...options, algorithms: ["HS256"] })).payload;
      } else {
        if (!this.jwks) throw new AuthenticationError(`${alg} tokens are not accepted here`, true);
        payload = (await jwtVerify(token, this.jwks, { ...options, algorithms: JWKS_ALGORITHMS })).payload;
      }
    } catch (error) {
      throw refusal(error);
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new AuthenticationError(
        `the token's claims are not usable: ${claims.error.issues.map((i) => `${i.path.join(".") || "claims"}: ${i.message}`).join("; ")}`,
        true,
      );
    }
    const { sub, role, customer_id, customers } = claims.data;
    return {
      id: `jwt:${sub}`,
      role: role as Principal["role"],
      customerIds: role === "customer" ? [customer_id!] : role === "partner" ? (customers ?? []) : [],
      via: "jwt",
    };
  }
}

/** What went wrong, in words for the client's developer; jose's own messages may quote claim values, so not those. */
function refusal(error: unknown): AuthenticationError {
  if (error instanceof AuthenticationError) return error;
  if (error instanceof joseErrors.JWTExpired) return new AuthenticationError("the token has expired", true);
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return new AuthenticationError(`the token's "${error.claim}" claim is not accepted`, true);
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new AuthenticationError("the token's algorithm is not accepted", true);
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return new AuthenticationError("the token is signed with a key the gateway does not know", true);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return new AuthenticationError("the token's signature is not valid", true);
  return new AuthenticationError("the token is not valid", true);
}

/** The JWKS file: JSON with a `keys` array. The error names the config key, never the file's content. */
async function readJwks(file: string): Promise<{ keys: Parameters<typeof createLocalJWKSet>[0]["keys"] }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`invalid config:\n  auth.jwt.jwksFile: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`invalid config:\n  auth.jwt.jwksFile: ${file} is not JSON`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => k !== null && typeof k === "object")) {
    throw new ConfigError(`invalid config:\n  auth.jwt.jwksFile: ${file} needs a non-empty "keys" array of JWKs`);
  }
  // A private key has no business on the verifying side: refusing it keeps a leaked signing key out of configs.
  if (keys.some((k) => "d" in (k as object) || (k as { kty?: unknown }).kty === "oct")) {
    throw new ConfigError(`invalid config:\n  auth.jwt.jwksFile: ${file} holds private or symmetric keys; give it only the public keys`);
  }
  return { keys: keys as Parameters<typeof createLocalJWKSet>[0]["keys"] };
}

import { createHmac, randomBytes } from "node:crypto";

/** eniris-auth.md "Token lifetimes": 14 days is inferred from the Python driver's close(). */
export const REFRESH_TOKEN_TTL_MS = 14 * 24 * 60 * 60 * 1000;
/** eniris-auth.md / openapi accessBearerAuth: "It has a 10 minutes validity period". */
export const DEFAULT_ACCESS_TOKEN_TTL_MS = 10 * 60 * 1000;

export interface TokenStoreOptions {
  accessTokenTtlMs: number;
  /** Refresh tokens accepted from the start, as if issued just now to `preIssuedSubject`. */
  preIssuedRefreshTokens: string[];
  preIssuedSubject: string;
}

interface Grant {
  subject: string;
  expiresAt: number;
}

/**
 * The two token kinds of the Eniris auth host. Refresh tokens are opaque; access tokens are JWT-shaped
 * (`bearerFormat: JWT` in the spec) so a client that reads `exp` can. Both are only valid if this store
 * issued them: the simulator does not verify signatures, it looks tokens up.
 */
export class EnirisTokenStore {
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, Grant>();
  private readonly signingKey = randomBytes(32);

  constructor(private readonly options: TokenStoreOptions) {
    this.restorePreIssued();
  }

  /** Puts the pre-issued refresh tokens back (a test may have logged one out), with a fresh lifetime. */
  restorePreIssued(): void {
    for (const token of this.options.preIssuedRefreshTokens) {
      this.refreshTokens.set(token, { subject: this.options.preIssuedSubject, expiresAt: Date.now() + REFRESH_TOKEN_TTL_MS });
    }
  }

  issueRefreshToken(subject: string): string {
    const token = randomBytes(32).toString("base64url");
    this.refreshTokens.set(token, { subject, expiresAt: Date.now() + REFRESH_TOKEN_TTL_MS });
    return token;
  }

  /** The subject of a live refresh token, or undefined when unknown, expired or logged out. */
  refreshTokenSubject(token: string): string | undefined {
    return live(this.refreshTokens, token)?.subject;
  }

  /** Deny-lists a refresh token (POST /auth/logout); false when it was not valid anyway. */
  revokeRefreshToken(token: string): boolean {
    return live(this.refreshTokens, token) !== undefined && this.refreshTokens.delete(token);
  }

  issueAccessToken(subject: string, ttlMs: number = this.options.accessTokenTtlMs): string {
    const issuedAt = Date.now();
    const expiresAt = issuedAt + ttlMs;
    // `exp` rounds down so a client trusting it never uses a token the simulator already refuses.
    const payload = {
      sub: subject,
      iat: Math.floor(issuedAt / 1000),
      exp: Math.floor(expiresAt / 1000),
      jti: randomBytes(8).toString("hex"),
    };
    const unsigned = `${base64urlJson({ alg: "HS256", typ: "JWT" })}.${base64urlJson(payload)}`;
    const signature = createHmac("sha256", this.signingKey).update(unsigned).digest("base64url");
    const token = `${unsigned}.${signature}`;
    this.accessTokens.set(token, { subject, expiresAt });
    return token;
  }

  isLiveAccessToken(token: string): boolean {
    return live(this.accessTokens, token) !== undefined;
  }

  /** Every access token issued so far is refused from now on; refresh tokens stay valid. */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }
}

function live(grants: Map<string, Grant>, token: string): Grant | undefined {
  const grant = grants.get(token);
  if (grant === undefined) return undefined;
  if (grant.expiresAt <= Date.now()) {
    grants.delete(token);
    return undefined;
  }
  return grant;
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

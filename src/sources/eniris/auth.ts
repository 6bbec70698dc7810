import { createHash } from "node:crypto";
import { GatewayError } from "../../errors/gateway-error.js";
import type { SharedTokens, TokenScope } from "../shared-tokens.js";
import type { HttpClient } from "../http.js";
import { statusError } from "../vendor-answer.js";

/** Vendor facts (docs/vendors/eniris-auth.md): access tokens live 10 minutes, refresh tokens 14 days. */
const ACCESS_TOKEN_LIFETIME_MS = 10 * 60_000;
/** Renew this long before the access token's expiry, so a call never leaves with a token about to die. */
const ACCESS_TOKEN_MARGIN_MS = 60_000;
/** Renew the refresh token once it is this old (the vendor's Python client does so after 7 days). */
const REFRESH_TOKEN_RENEW_AFTER_MS = 7 * 24 * 3600_000;

export interface EnirisCredentials {
  refreshToken?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

interface AccessToken {
  value: string;
  expiresAt: number;
}

/**
 * One access token per configured instance. Concurrent callers share a single fetch (single flight); the
 * token is renewed a minute before it expires; after the API rejects a token, `invalidate` drops it so the
 * next caller fetches a fresh one. With `shared` (several replicas, Redis), the replicas share the token too:
 * one of them fetches, under a lock, and the others reuse it. Tokens never leave this object except as an
 * Authorization header, to the redaction of logged vendor text (`inUse`), and, with `shared`, encrypted with a key
 * derived from the credential.
 */
export class EnirisTokens {
  private refreshToken: string | undefined;
  private refreshTokenSince = Date.now();
  private access: AccessToken | undefined;
  private pending: Promise<AccessToken> | undefined;
  /** The last token the API refused: a shared copy of it is not reused. */
  private refused: string | undefined;
  private refusedRefreshToken: string | undefined;
  private readonly scope: TokenScope;
  /** The refresh token a login gave, shared for as long as it is kept (`REFRESH_TOKEN_RENEW_AFTER_MS`). */
  private readonly refreshScope: TokenScope;

  constructor(
    private readonly auth: HttpClient,
    private readonly credentials: EnirisCredentials & { authUrl?: string },
    private readonly now: () => number = Date.now,
    private readonly shared?: SharedTokens,
  ) {
    this.refreshToken = credentials.refreshToken;
    this.scope = tokenScope(auth.source, credentials);
    this.refreshScope = { ...this.scope, id: `${this.scope.id}:refresh` };
  }

  async accessToken(): Promise<string> {
    const current = this.access;
    if (current && this.usable(current)) return current.value;
    this.pending ??= this.obtain().finally(() => {
      this.pending = undefined;
    });
    return (await this.pending).value;
  }

  /** The tokens held now: redacted from any vendor text that is logged, should the vendor echo one. */
  inUse(): string[] {
    return [this.refreshToken, this.access?.value].filter((t): t is string => t !== undefined);
  }

  /** Forget `token` if it is still the current one (a newer token fetched meanwhile is kept). */
  invalidate(token: string): void {
    if (this.access?.value === token) this.access = undefined;
    this.refused = token;
    void this.shared?.reject(this.scope, token);
  }

  private usable(token: AccessToken): boolean {
    return token.value !== this.refused && token.expiresAt - ACCESS_TOKEN_MARGIN_MS > this.now();
  }

  private async obtain(): Promise<AccessToken> {
    if (!this.shared) return this.fetchAccessToken();
    this.access = await this.shared.obtain(
      this.scope,
      (token) => this.usable(token),
      () => this.fetchAccessToken(),
    );
    return this.access;
  }

  private async fetchAccessToken(): Promise<AccessToken> {
    this.auth.telemetry.tokenFetched(this.auth.source); // license_gateway_token_fetches_total
    let refreshToken = await this.currentRefreshToken();
    let res = await this.auth.send({ method: "GET", path: "/auth/accesstoken", headers: bearer(refreshToken) });
    if (res.status === 401 && this.canLogIn()) {
      // The refresh token expired or was revoked: with a username and password we can get a new one.
      this.refreshToken = undefined;
      this.refusedRefreshToken = refreshToken;
      await this.shared?.reject(this.refreshScope, refreshToken);
      refreshToken = await this.currentRefreshToken();
      res = await this.auth.send({ method: "GET", path: "/auth/accesstoken", headers: bearer(refreshToken) });
    }
    if (res.status !== 200) throw statusError(this.auth, res, "fetching an access token");
    const value = readToken(this.auth.source, res.text, "access token");
    this.access = { value, expiresAt: jwtExpiry(value) ?? this.now() + ACCESS_TOKEN_LIFETIME_MS };
    void this.renewRefreshTokenIfOld(refreshToken);
    return this.access;
  }

  private canLogIn(): boolean {
    return this.credentials.username !== undefined && this.credentials.password !== undefined;
  }

  private async currentRefreshToken(): Promise<string> {
    if (this.refreshToken !== undefined) return this.refreshToken;
    if (!this.canLogIn()) {
      throw new GatewayError("UPSTREAM_UNAUTHENTICATED", "no refresh token and no username/password configured", {
        source: this.auth.source,
      });
    }
    if (!this.shared) return this.logIn();
    // With replicas, the refresh token one of them logged in for serves all: one login, not one per replica.
    const shared = await this.shared.obtain(
      this.refreshScope,
      (token) => token.value !== this.refusedRefreshToken && token.expiresAt > this.now(),
      async () => ({ value: await this.logIn(), expiresAt: this.now() + REFRESH_TOKEN_RENEW_AFTER_MS }),
    );
    this.refreshToken ??= shared.value;
    return this.refreshToken;
  }

  private async logIn(): Promise<string> {
    const res = await this.auth.send({
      method: "POST",
      path: "/auth/login",
      json: { username: this.credentials.username, password: this.credentials.password },
    });
    if (res.status !== 200) throw statusError(this.auth, res, "logging in");
    this.refreshToken = readToken(this.auth.source, res.text, "refresh token");
    this.refreshTokenSince = this.now();
    return this.refreshToken;
  }

  /** Best effort, like the vendor's own client: a failure here only means we try again next time. */
  private async renewRefreshTokenIfOld(refreshToken: string): Promise<void> {
    if (this.now() - this.refreshTokenSince < REFRESH_TOKEN_RENEW_AFTER_MS) return;
    try {
      const res = await this.auth.send({ method: "GET", path: "/auth/refreshtoken", headers: bearer(refreshToken) });
      if (res.status === 200 && this.refreshToken === refreshToken) {
        this.refreshToken = readToken(this.auth.source, res.text, "refresh token");
        this.refreshTokenSince = this.now();
      }
    } catch {
      // Logged by the caller's metrics later (issue 6); the old refresh token is still valid for days.
    }
  }
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Tokens come as raw text; some deployments JSON-quote them (docs/vendors/eniris-auth.md, C# NormalizeToken). */
function readToken(source: string, body: string, what: string): string {
  let token = body.trim();
  if (token.length >= 2 && token.startsWith('"') && token.endsWith('"')) token = token.slice(1, -1).trim();
  if (token === "" || /\s/.test(token)) {
    throw new GatewayError("UPSTREAM_BAD_RESPONSE", `the vendor returned an unusable ${what}`, { source });
  }
  return token;
}

/** The `exp` claim of a JWT, in ms; undefined when the token is not a readable JWT. Signature is not ours to check. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown }).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Names this instance's token for the replicas without revealing the credential: the source id and a hash of
 * the auth host and the account (a refresh token is hashed, a password never enters it; it only keys the
 * encryption, see src/redis/redis-token-cache.ts).
 */
function tokenScope(sourceId: string, credentials: EnirisCredentials & { authUrl?: string }): TokenScope {
  const account =
    credentials.refreshToken !== undefined
      ? `refresh:${createHash("sha256").update(credentials.refreshToken).digest("hex")}`
      : `user:${credentials.username ?? ""}`;
  const id = `${sourceId}:${createHash("sha256")
    .update(`${credentials.authUrl ?? ""}\u0000${account}`)
    .digest("base64url")
    .slice(0, 16)}`;
  return { id, secret: credentials.refreshToken ?? `${credentials.username ?? ""}\u0000${credentials.password ?? ""}` };
}

import { GatewayError } from "../../errors/gateway-error.js";
import { type HttpClient, statusError } from "../http.js";

/** Vendor facts (eniris-auth.md): access tokens live 10 minutes, refresh tokens 14 days. */
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
 * next caller fetches a fresh one. Tokens never leave this object except as an Authorization header.
 */
export class EnirisTokens {
  private refreshToken: string | undefined;
  private refreshTokenSince = Date.now();
  private access: AccessToken | undefined;
  private pending: Promise<AccessToken> | undefined;

  constructor(
    private readonly auth: HttpClient,
    private readonly credentials: EnirisCredentials,
    private readonly now: () => number = Date.now,
  ) {
    this.refreshToken = credentials.refreshToken;
  }

  async accessToken(): Promise<string> {
    const current = this.access;
    if (current && current.expiresAt - ACCESS_TOKEN_MARGIN_MS > this.now()) return current.value;
    this.pending ??= this.fetchAccessToken().finally(() => {
      this.pending = undefined;
    });
    return (await this.pending).value;
  }

  /** Forget `token` if it is still the current one (a newer token fetched meanwhile is kept). */
  invalidate(token: string): void {
    if (this.access?.value === token) this.access = undefined;
  }

  private async fetchAccessToken(): Promise<AccessToken> {
    let refreshToken = await this.currentRefreshToken();
    let res = await this.auth.send({ method: "GET", path: "/auth/accesstoken", headers: bearer(refreshToken) });
    if (res.status === 401 && this.canLogIn()) {
      // The refresh token expired or was revoked: with a username and password we can get a new one.
      this.refreshToken = undefined;
      refreshToken = await this.currentRefreshToken();
      res = await this.auth.send({ method: "GET", path: "/auth/accesstoken", headers: bearer(refreshToken) });
    }
    if (res.status !== 200) throw statusError(this.auth.source, res, "fetching an access token");
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
      throw new GatewayError("UPSTREAM_UNAUTHENTICATED", "no refresh token and no username/password configured", { source: this.auth.source });
    }
    const res = await this.auth.send({
      method: "POST",
      path: "/auth/login",
      json: { username: this.credentials.username, password: this.credentials.password },
    });
    if (res.status !== 200) throw statusError(this.auth.source, res, "logging in");
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

/** Tokens come as raw text; some deployments JSON-quote them (eniris-auth.md, C# NormalizeToken). */
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

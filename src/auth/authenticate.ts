import type { AuthConfig } from "../config/schema.js";
import type { Logger } from "../logger.js";
import type { ApiKeyQueries } from "../store/api-keys.js";
import { looksLikeApiKey, parseApiKey, secretMatches } from "./api-keys.js";
import { AuthenticationError } from "./authentication-error.js";
import { JwtVerifier } from "./jwt.js";
import { AUTH_OFF_PRINCIPAL, type Principal } from "./principal.js";

/**
 * Turns a request's `Authorization` header into a Principal, or refuses it with an AuthenticationError.
 * Both kinds of credential travel as `Authorization: Bearer <token>`: a token starting `lgw_` is an API key,
 * anything else a JWT. With `auth.mode: off` every request is the auth-off admin.
 */
export class Authenticator {
  constructor(
    readonly mode: "on" | "off",
    private readonly keys: ApiKeyQueries,
    private readonly jwt: JwtVerifier | undefined,
    private readonly logger: Logger,
  ) {}

  /** The JWT verifier the config asks for, if any: reads the JWKS file once; a problem there is a ConfigError. */
  static jwtVerifier(config: AuthConfig): Promise<JwtVerifier | undefined> {
    return config.mode === "on" && config.jwt ? JwtVerifier.fromConfig(config.jwt) : Promise.resolve(undefined);
  }

  static async create(config: AuthConfig, keys: ApiKeyQueries, logger: Logger): Promise<Authenticator> {
    return new Authenticator(config.mode, keys, await Authenticator.jwtVerifier(config), logger);
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (this.mode === "off") return AUTH_OFF_PRINCIPAL;
    try {
      return await this.principalOf(authorization);
    } catch (error) {
      // Refusals are logged for operators (a burst of them is an attack or a broken client), by reason and key
      // id only: the id is a public name, the rest of the credential is never logged.
      if (error instanceof AuthenticationError) {
        const keyId = authorization ? parseApiKey(bearerToken(authorization) ?? "")?.id : undefined;
        this.logger.warn({ reason: error.message, ...(keyId ? { apiKeyId: keyId } : {}) }, "authentication refused");
      }
      throw error;
    }
  }

  private async principalOf(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw new AuthenticationError("authentication required: send Authorization: Bearer <API key or JWT>", false);
    const token = bearerToken(authorization);
    if (token === undefined) throw new AuthenticationError("use the Bearer scheme: Authorization: Bearer <API key or JWT>", false);
    if (looksLikeApiKey(token)) return this.apiKeyPrincipal(token);
    if (!this.jwt) throw new AuthenticationError("this gateway accepts API keys only", true);
    return this.jwt.verify(token);
  }

  private async apiKeyPrincipal(token: string): Promise<Principal> {
    const parsed = parseApiKey(token);
    if (!parsed) throw new AuthenticationError("malformed API key (expected lgw_<id>_<secret>)", true);
    const row = await this.keys.get(parsed.id);
    // Unknown, revoked and wrong secret read the same, so the answer does not say which ids exist.
    if (!row || row.revokedAt !== null || !secretMatches(parsed.secret, row.keyHash))
      throw new AuthenticationError("unknown or revoked API key", true);
    await this.keys.touch(row.id);
    return {
      id: `apikey:${row.id}`,
      role: row.role,
      customerIds: row.role === "customer" ? [row.customerId!] : row.role === "partner" ? row.grants : [],
      via: "api-key",
      documents: { apiKeyId: row.id, locked: row.documentsLocked, published: row.hasDocuments },
    };
  }
}

function bearerToken(authorization: string): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

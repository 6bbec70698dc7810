import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerToken, parseJson, readBody, sendEmpty, sendText, type SimulatorHandler } from "../http-kit.js";
import { sendEnirisError } from "./envelope.js";
import type { EnirisTokenStore } from "./token-store.js";

export interface EnirisUser {
  username: string;
  password: string;
}

export interface AuthRoutesOptions {
  tokens: EnirisTokenStore;
  users: EnirisUser[];
  /** Answer tokens as JSON strings (`"abc"`) instead of raw text: some clients see that (eniris-auth.md, C3). */
  quoteTokens: boolean;
}

/** The auth host, `https://authentication.eniris.be` (eniris-auth.md "Endpoints"). */
export function enirisAuthHandler(options: AuthRoutesOptions): SimulatorHandler {
  const { tokens } = options;

  function sendToken(res: ServerResponse, token: string): void {
    // The response Content-Type is not stated anywhere (eniris-auth.md): text for raw, JSON for quoted.
    if (options.quoteTokens) sendText(res, 200, JSON.stringify(token), {}, "application/json; charset=utf-8");
    else sendText(res, 200, token);
  }

  /** The subject behind the request's Bearer refresh token, or a 401 already sent. */
  function refreshSubject(req: IncomingMessage, res: ServerResponse): { token: string; subject: string } | undefined {
    const token = bearerToken(req);
    const subject = token === undefined ? undefined : tokens.refreshTokenSubject(token);
    if (token === undefined || subject === undefined) {
      sendEnirisError(res, 401);
      return undefined;
    }
    return { token, subject };
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseJson(await readBody(req));
    const body = parsed.ok ? parsed.value : undefined;
    if (!isCredentials(body)) return sendEnirisError(res, 400);
    const user = options.users.find((u) => u.username === body.username && u.password === body.password);
    // The real wrong-password message is not found in any source (eniris-auth.md "Errors"): simulator choice.
    if (user === undefined) return sendEnirisError(res, 401, "Invalid username or password");
    sendToken(res, tokens.issueRefreshToken(user.username));
  }

  return async (req, res, url) => {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "POST /auth/login":
        return login(req, res);
      case "GET /auth/accesstoken": {
        const grant = refreshSubject(req, res);
        if (grant) sendToken(res, tokens.issueAccessToken(grant.subject));
        return;
      }
      case "GET /auth/refreshtoken": {
        // The old refresh token is not revoked: it stays valid until its own expiry (Python renews and keeps going).
        const grant = refreshSubject(req, res);
        if (grant) sendToken(res, tokens.issueRefreshToken(grant.subject));
        return;
      }
      case "POST /auth/logout": {
        // 204 = deny-listed; 401 = it was already invalid (eniris-auth.md, Python close()).
        const grant = refreshSubject(req, res);
        if (grant) {
          tokens.revokeRefreshToken(grant.token);
          sendEmpty(res, 204);
        }
        return;
      }
      default:
        return sendEnirisError(res, 404);
    }
  };
}

function isCredentials(value: unknown): value is EnirisUser {
  if (typeof value !== "object" || value === null) return false;
  const { username, password } = value as Record<string, unknown>;
  return typeof username === "string" && typeof password === "string";
}

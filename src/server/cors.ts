import type { IncomingMessage, ServerResponse } from "node:http";
import cors, { type CorsOptions } from "cors";
import { GraphQLError } from "graphql";
import { originMatcher } from "../config/origin-patterns.js";
import type { CorsConfig } from "../config/schema.js";
import { addVary } from "./conditional-get.js";

/**
 * Cross-origin calls to /graphql from browsers (config `server.cors`), with the `cors` package. Runs first for
 * every /graphql request, so its headers are on every answer that follows, whoever writes it (Apollo, the response
 * cache, a 304, a refusal, an error); none of them is stored with a cached answer, since it depends on the
 * request's Origin, not on the answer. A preflight is answered here and never reaches Apollo, whose CSRF
 * prevention would refuse it (an OPTIONS without a preflight header) with a message about something else.
 *
 * Simple requests (a GET without a preflight-forcing header) are still refused by Apollo's CSRF prevention, from
 * any origin: a listed origin only gets to read that refusal.
 */

/** What a page may send: the content type, a credential, Apollo's CSRF headers, trace context, its request id. */
const CORS_REQUEST_HEADERS = [
  "content-type",
  "authorization",
  "apollo-require-preflight",
  "x-apollo-operation-name",
  "traceparent",
  "x-request-id",
];
/** What a page may read besides the CORS-safelisted headers: the request id (for support), ETag, Retry-After (429). */
const EXPOSED_HEADERS = ["x-request-id", "etag", "retry-after"];

export type CorsOutcome = "preflight answered" | GraphQLError | undefined;

/** Synchronous for a request from no listed origin (almost all of them: servers, curl, same-origin pages). */
export type CorsStep = (req: IncomingMessage, res: ServerResponse) => CorsOutcome | Promise<CorsOutcome>;

/**
 * The CORS step: for a listed origin, the answer's headers (actual requests) or the whole answer (preflights, 204);
 * for any other origin no Access-Control-* header, and a preflight gets the refusal returned (403).
 * No Access-Control-Allow-Credentials: the gateway authenticates with the Authorization header, which a page sets
 * itself and the browser sends cross-origin without it; credentials mode is about cookies and the browser's own
 * HTTP authentication, which the gateway does not use, and allowing them would only let a listed page ride them.
 */
export function corsStep(config: CorsConfig): CorsStep {
  const listed = originMatcher(config.origins);
  const middleware = cors((req, callback) => callback(null, optionsFor(req as IncomingMessage, config.maxAgeSeconds)));
  return (req, res) => {
    const { origin } = req.headers;
    const preflight = req.method === "OPTIONS" && origin !== undefined && req.headers["access-control-request-method"] !== undefined;
    if (origin === undefined || !listed(origin)) {
      // Once any origin is listed, answers differ by Origin: caches must know, on answers without CORS headers too.
      if (config.origins.length > 0) addVary(res, "Origin");
      return preflight ? originRefused() : undefined;
    }
    return new Promise<void>((resolve, reject) => middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve()))).then(
      () => {
        if (!preflight) return undefined;
        // Safari waits for a body on a 204 without a Content-Length.
        res.writeHead(204, { "content-length": "0" }).end();
        return "preflight answered";
      },
    );
  };
}

function optionsFor(req: IncomingMessage, maxAgeSeconds: number): CorsOptions {
  return {
    // Only called for a listed origin: reflect it (never `*`).
    origin: true,
    methods: "GET, POST",
    // Only the allowed headers among those asked for: if a page asks for another, the browser fails the preflight
    // and says which header was not allowed, which is the clearest answer it can get.
    allowedHeaders: askedHeaders(req).filter((name) => CORS_REQUEST_HEADERS.includes(name)),
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: maxAgeSeconds,
    // The step answers the preflight itself (above), so the middleware always hands back.
    preflightContinue: true,
  };
}

function askedHeaders(req: IncomingMessage): string[] {
  const asked = req.headers["access-control-request-headers"] ?? "";
  return asked
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
}

/** Browsers hide this answer from the page (no CORS headers); it is for whoever reads the network log or uses curl. */
function originRefused(): GraphQLError {
  return new GraphQLError("this origin may not call the gateway from a browser: it is not listed in the gateway's server.cors.origins", {
    extensions: { code: "FORBIDDEN", http: { status: 403 } },
  });
}

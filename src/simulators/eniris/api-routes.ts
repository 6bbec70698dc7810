import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerToken, sendText, type SimulatorHandler } from "../http-kit.js";
import type { EnirisDemoData } from "./data.js";
import { queryDevices } from "./device-routes.js";
import { sendEnirisError } from "./envelope.js";
import { activateLicense, claimLicense, licensesByController, licensesByCustomer } from "./license-routes.js";
import type { EnirisTokenStore } from "./token-store.js";
import { OpenApiDocument } from "../openapi-document.js";

const OPENAPI = new OpenApiDocument(new URL("./openapi.yaml", import.meta.url));

interface ApiRoute {
  method: string;
  pattern: RegExp;
  /** Needs a live access token; `/openapi.*` are the simulator's own documents and need none. */
  authenticated: boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL, params: string[]): Promise<void> | void;
}

export interface ApiRoutesOptions {
  data: EnirisDemoData;
  tokens: EnirisTokenStore;
}

/** The API host, `https://api.eniris.be` (eniris.md "License endpoints" and "Controllers"). */
export function enirisApiHandler({ data, tokens }: ApiRoutesOptions): SimulatorHandler {
  const routes: ApiRoute[] = [
    {
      method: "GET",
      pattern: /^\/v1\/license\/customer\/([^/]+)$/,
      authenticated: true,
      handle: (_req, res, url, [customerId]) => licensesByCustomer(data, res, customerId!, url),
    },
    {
      method: "GET",
      pattern: /^\/v1\/license\/controller\/([^/]+)$/,
      authenticated: true,
      handle: (_req, res, _url, [nodeId]) => licensesByController(data, res, nodeId!),
    },
    { method: "POST", pattern: /^\/v1\/license\/activate$/, authenticated: true, handle: (req, res) => activateLicense(data, req, res) },
    { method: "POST", pattern: /^\/v1\/license\/claim$/, authenticated: true, handle: (req, res) => claimLicense(data, req, res) },
    { method: "POST", pattern: /^\/v1\/device\/query$/, authenticated: true, handle: (req, res) => queryDevices(data, req, res) },
    {
      method: "GET",
      pattern: /^\/openapi\.yaml$/,
      authenticated: false,
      handle: (_req, res) => sendText(res, 200, OPENAPI.yaml, {}, "application/yaml; charset=utf-8"),
    },
    {
      method: "GET",
      pattern: /^\/openapi\.json$/,
      authenticated: false,
      handle: (_req, res) => sendText(res, 200, OPENAPI.json, {}, "application/json; charset=utf-8"),
    },
  ];

  return async (req, res, url) => {
    const match = findRoute(routes, req.method ?? "GET", url.pathname);
    // Unknown paths are 404 whether or not the caller authenticated: routing comes before the auth check.
    if (match === undefined) return sendEnirisError(res, 404);
    if (match.route.authenticated) {
      const token = bearerToken(req);
      if (token === undefined || !tokens.isLiveAccessToken(token)) return sendEnirisError(res, 401);
    }
    await match.route.handle(req, res, url, match.params);
  };
}

function findRoute(routes: ApiRoute[], method: string, path: string): { route: ApiRoute; params: string[] } | undefined {
  for (const route of routes) {
    const found = route.method === method ? route.pattern.exec(path) : null;
    if (found === null) continue;
    try {
      return { route, params: found.slice(1).map((segment) => decodeURIComponent(segment)) };
    } catch {
      return undefined; // a malformed percent-escape cannot name anything that exists
    }
  }
  return undefined;
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson, sendText, type SimulatorHandler } from "../http-kit.js";
import { getCustomer, patchCustomer, type EsmartRequestContext } from "./customer-routes.js";
import { ESMART_AREA, type EsmartArea, type EsmartDemoData } from "./data.js";
import { sendEsmartError, sendUnauthorized } from "./envelope.js";
import { deviceBySerialNumber, devicesByGatewayExternalId, gatewayBySerialNumber } from "./hardware-routes.js";
import { basicAuthUser, rawAreaHeader, requestArea, type EsmartUser } from "./request-context.js";
import { OpenApiDocument } from "../openapi-document.js";

const OPENAPI = new OpenApiDocument(new URL("./openapi.yaml", import.meta.url));

/** Inferred: the version GET api/ping reports; any four-part .NET assembly version would do. */
export const ESMART_API_VERSION = "5.14.2.0";

/** What the area log keeps of each request that reached the API (faulted ones never do). */
export interface EsmartAreaRecord {
  method: string;
  /** Path as sent, without the query string (the same as the call log's). */
  path: string;
  /** The raw `X-Area` header; undefined when absent. */
  header: string | undefined;
  /** The area served: 1 Net, 2 Power; undefined when the header was refused (400) or never checked. */
  area: EsmartArea | undefined;
}

interface ApiRoute {
  method: string;
  pattern: RegExp;
  /** Needs Basic auth and an area; `/openapi.*` are the simulator's own documents and need neither. */
  authenticated: boolean;
  handle(ctx: EsmartRequestContext, req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> | void;
}

export interface ApiRoutesOptions {
  data: EsmartDemoData;
  users: readonly EsmartUser[];
  /** Receives one record per request the handler sees, in arrival order at the handler. */
  recordArea(record: EsmartAreaRecord): void;
}

/**
 * The one host, `https://nefwebapi.esmartapi.com/` (esmart.md "Transport"). Order of checks, all inferred from
 * how ASP.NET Web API runs a request: routing (404, or 405 for a known path with another method), then
 * authentication (401), then the area header (400), then the action (404/403 for ids, 400 for bodies).
 * Paths match case-insensitively and with an optional trailing slash, as Web API routing does.
 */
export function esmartApiHandler({ data, users, recordArea }: ApiRoutesOptions): SimulatorHandler {
  const segment = "([^/]+)";
  const route = (method: string, path: string, handle: ApiRoute["handle"], authenticated = true): ApiRoute => ({
    method,
    pattern: new RegExp(`^/${path}/?$`, "i"),
    authenticated,
    handle,
  });
  const routes: ApiRoute[] = [
    route("GET", `api/customers/${segment}`, (ctx, _req, res, [id]) => getCustomer(ctx, res, id!)),
    route("PATCH", `api/customers/${segment}`, (ctx, req, res, [id]) => patchCustomer(ctx, req, res, id!)),
    route("GET", `api/gateways/serialnumber/${segment}`, (ctx, _req, res, [serial]) => gatewayBySerialNumber(ctx, res, serial!)),
    route("GET", `api/gateways/externalId/${segment}/devices`, (ctx, _req, res, [id]) => devicesByGatewayExternalId(ctx, res, id!)),
    route("GET", `api/devices/serialnumber/${segment}`, (ctx, _req, res, [serial]) => deviceBySerialNumber(ctx, res, serial!)),
    route("GET", "api/ping", (ctx, _req, res) => sendJson(res, 200, ping(ctx.area))),
    route("GET", "openapi\\.yaml", (_ctx, _req, res) => sendText(res, 200, OPENAPI.yaml, {}, "application/yaml; charset=utf-8"), false),
    route("GET", "openapi\\.json", (_ctx, _req, res) => sendText(res, 200, OPENAPI.json, {}, "application/json; charset=utf-8"), false),
  ];

  return async (req, res, url) => {
    const method = (req.method ?? "GET").toUpperCase();
    const record: EsmartAreaRecord = { method, path: url.pathname, header: rawAreaHeader(req), area: undefined };
    recordArea(record);

    const found = findRoute(routes, method, url.pathname);
    if (found.kind === "none") {
      // Web API quotes the absolute request URI; here that is the simulator's own address.
      const uri = `http://${req.headers.host ?? "127.0.0.1"}${req.url ?? url.pathname}`;
      return sendEsmartError(res, 404, `No HTTP resource was found that matches the request URI '${uri}'.`);
    }
    if (found.kind === "method") {
      return sendEsmartError(res, 405, `The requested resource does not support http method '${method}'.`, {
        allow: found.allow.join(", "),
      });
    }
    const { route: matched, params } = found;
    if (!matched.authenticated) return matched.handle({ data, user: ANONYMOUS, area: ESMART_AREA.power }, req, res, params);

    const user = basicAuthUser(req, users);
    if (user === undefined) return sendUnauthorized(res);
    const area = requestArea(req);
    if (!area.ok) {
      return sendEsmartError(res, 400, `The X-Area header value '${area.header}' is invalid. Use 1 (Net) or 2 (Power).`);
    }
    record.area = area.area;
    await matched.handle({ data, user, area: area.area }, req, res, params);
  };
}

/** The context of a route that needs no user; it can see no customer. */
const ANONYMOUS: EsmartUser = { username: "", password: "", customerIds: [] };

/**
 * GET api/ping: "information about API version and the subsystems which are being used" (docs/vendors/documents/esmart.txt). The shape
 * is inferred: `{Version, Subsystems}` with one name per subsystem; the customer information system is named
 * after the area asked for, since Power and Net are two different ones behind the same API.
 */
function ping(area: EsmartArea): { Version: string; Subsystems: string[] } {
  const cis = area === ESMART_AREA.net ? "CustomerWeb (Net)" : "CustomerWeb (Power)";
  return { Version: ESMART_API_VERSION, Subsystems: [cis, "Cache", "Database"] };
}

type RouteMatch = { kind: "route"; route: ApiRoute; params: string[] } | { kind: "method"; allow: string[] } | { kind: "none" };

function findRoute(routes: ApiRoute[], method: string, path: string): RouteMatch {
  const allow: string[] = [];
  for (const route of routes) {
    const found = route.pattern.exec(path);
    if (found === null) continue;
    if (route.method !== method) {
      allow.push(route.method);
      continue;
    }
    try {
      return { kind: "route", route, params: found.slice(1).map((segment) => decodeURIComponent(segment)) };
    } catch {
      return { kind: "none" }; // a malformed percent-escape cannot name anything that exists
    }
  }
  return allow.length > 0 ? { kind: "method", allow } : { kind: "none" };
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson, sendText, type SimulatorHandler } from "../http-kit.js";
import { getCustomerLicenses, getCustomerLicensesBySecret } from "./customer-routes.js";
import type { CryptolensDemoData } from "./data.js";
import { CRYPTOLENS_MESSAGES, cryptolensErrorBody, sendCryptolensError } from "./envelope.js";
import { activate, deactivate, getKey } from "./key-routes.js";
import { INVALID, readParams, type CryptolensParams } from "./params.js";
import { OpenApiDocument } from "../openapi-document.js";

const OPENAPI = new OpenApiDocument(new URL("./openapi.yaml", import.meta.url));

/** Access-token permissions, named as in the Cryptolens dashboard (docs/vendors/documents/cryptolens.txt names two of them). */
export type CryptolensPermission = "GetCustomerLicenses" | "GetCustomerLicensesBySecret" | "GetKey" | "Activate" | "Deactivate";

export const ALL_CRYPTOLENS_PERMISSIONS: readonly CryptolensPermission[] = [
  "GetCustomerLicenses",
  "GetCustomerLicensesBySecret",
  "GetKey",
  "Activate",
  "Deactivate",
];

interface Method {
  permission: CryptolensPermission;
  handle(req: IncomingMessage, res: ServerResponse, params: CryptolensParams): void;
}

export interface ApiRoutesOptions {
  data: CryptolensDemoData;
  /** Accepted access tokens and what each may call. */
  tokens: ReadonlyMap<string, ReadonlySet<CryptolensPermission>>;
}

/**
 * The Web API under `/api/` (cryptolens.md "Transport"). Path casing is not significant (documented), and a
 * trailing slash is tolerated (simulator choice, as ASP.NET routing does). GET and POST both work for every
 * method; the order of checks is route, token, permission, `v`, then the method's own parameters.
 */
export function cryptolensApiHandler({ data, tokens }: ApiRoutesOptions): SimulatorHandler {
  const methods: Record<string, Method> = {
    "/api/customer/getcustomerlicenses": {
      permission: "GetCustomerLicenses",
      handle: (_req, res, params) => getCustomerLicenses(data, params, res),
    },
    "/api/customer/getcustomerlicensesbysecret": {
      permission: "GetCustomerLicensesBySecret",
      handle: (_req, res, params) => getCustomerLicensesBySecret(data, params, res),
    },
    "/api/key/getkey": { permission: "GetKey", handle: (_req, res, params) => getKey(data, params, res) },
    "/api/key/activate": { permission: "Activate", handle: (req, res, params) => activate(data, params, req, res) },
    "/api/key/deactivate": { permission: "Deactivate", handle: (_req, res, params) => deactivate(data, params, res) },
  };

  return async (req, res, url) => {
    const path = url.pathname.toLowerCase().replace(/\/+$/, "");
    const httpMethod = req.method ?? "GET";

    // The simulator's own documents: no token, exact path.
    if (httpMethod === "GET" && url.pathname === "/openapi.yaml")
      return sendText(res, 200, OPENAPI.yaml, {}, "application/yaml; charset=utf-8");
    if (httpMethod === "GET" && url.pathname === "/openapi.json")
      return sendText(res, 200, OPENAPI.json, {}, "application/json; charset=utf-8");

    const method = methods[path];
    // Unknown paths and verbs answer in the envelope too (simulator choice; the real host's 404 is not documented).
    if (method === undefined) return sendJson(res, 404, cryptolensErrorBody(404, "The requested method does not exist."));
    if (httpMethod !== "GET" && httpMethod !== "POST") {
      return sendJson(res, 405, cryptolensErrorBody(405, `The requested resource does not support http method '${httpMethod}'.`), {
        allow: "GET, POST",
      });
    }

    const params = await readParams(req, url);
    const token = params.string("token");
    const permissions = token === undefined ? undefined : tokens.get(token);
    if (permissions === undefined) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.unauthenticated);
    if (!permissions.has(method.permission)) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.accessDenied);
    // `v` defaults to 1 (documented); the simulator knows no other version and calls anything else incorrect.
    const version = params.int("v");
    if (version !== undefined && (version === INVALID || version !== 1)) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.badInput);
    method.handle(req, res, params);
  };
}

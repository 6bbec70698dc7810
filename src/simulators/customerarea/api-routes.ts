import type { IncomingMessage } from "node:http";
import { sendText, type SimulatorHandler } from "../http-kit.js";
import { NOT_FOUND_MESSAGES, sendCustomerareaError, sendUnauthorized } from "./envelope.js";
import {
  assignBulk,
  assignDemo,
  availableLicences,
  deleteLicence,
  listLicences,
  renewLicence,
  type LicenceHandler,
  type LicenceState,
} from "./licence-routes.js";
import { readInput, type CustomerareaInputRecord } from "./request-input.js";
import { OpenApiDocument } from "../openapi-document.js";

const OPENAPI = new OpenApiDocument(new URL("./openapi.yaml", import.meta.url));

/** The API's base path: the real base URL is https://api.fsflt.net/customerarea/ (customerarea.md, documented). */
export const BASE_PATH = "/customerarea/";

/** `METHOD path-below-the-base` → operation (customerarea.md "Endpoints"). */
const OPERATIONS = new Map<string, ReadonlyMap<string, LicenceHandler>>([
  ["licenses/available", new Map([["GET", availableLicences]])],
  ["licenses/demo", new Map([["POST", assignDemo]])],
  ["licenses/bulk", new Map([["POST", assignBulk]])],
  ["licenses/renew", new Map([["POST", renewLicence]])],
  ["licenses/delete", new Map([["POST", deleteLicence]])],
  ["licenses", new Map([["GET", listLicences]])],
]);

/** The simulator's own documents, with or without the base path; they need no key. */
const DOCUMENTS = new Map([
  ["openapi.yaml", { text: () => OPENAPI.yaml, type: "application/yaml; charset=utf-8" }],
  ["openapi.json", { text: () => OPENAPI.json, type: "application/json; charset=utf-8" }],
]);

export interface ApiRoutesOptions {
  state: LicenceState;
  apiKeys: readonly string[];
  /** Told the parameters of every request that reaches an operation, before the key is checked. */
  onInput(record: CustomerareaInputRecord): void;
}

export function customerareaApiHandler({ state, apiKeys, onInput }: ApiRoutesOptions): SimulatorHandler {
  return async (req, res, url) => {
    const method = (req.method ?? "GET").toUpperCase();
    const below = url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) : undefined;

    const document = DOCUMENTS.get(below ?? url.pathname.slice(1));
    if (document !== undefined && method === "GET") return sendText(res, 200, document.text(), {}, document.type);

    const operation = below === undefined ? undefined : OPERATIONS.get(below);
    // Routing comes before the key check (Laravel matches the route, then runs the auth middleware): an unknown
    // path is 404 and a wrong method 405 with or without a key. Both bodies are inferred.
    if (operation === undefined) return sendCustomerareaError(res, 404, NOT_FOUND_MESSAGES.route);
    const handle = operation.get(method);
    if (handle === undefined) return sendCustomerareaError(res, 405, undefined, { allow: [...operation.keys()].join(", ") });

    const input = await readInput(req, url);
    onInput(input.record);
    if (!hasValidKey(req, apiKeys)) return sendUnauthorized(res);
    handle(state, input.params, res);
  };
}

/** Documented: `X-API-KEY: <key>`. Compared verbatim; two headers (joined by Node as "a, b") never match. */
function hasValidKey(req: IncomingMessage, apiKeys: readonly string[]): boolean {
  const key = req.headers["x-api-key"];
  return typeof key === "string" && apiKeys.includes(key);
}

import { STATUS_CODES, type ServerResponse } from "node:http";
import { sendJson } from "../http-kit.js";

/**
 * eSmart's API is an ASP.NET Web API (esmart.md "Transport"), so errors are Web API's `HttpError` shape:
 * `{"Message": "..."}`, plus `ModelState` for a failed validation (esmart.md "Errors"; the shape is inferred
 * from the framework, the seed shows no error body).
 */
export interface EsmartErrorBody {
  Message: string;
  /** Key `<parameter>.<Property>` (or just `<parameter>`), value the messages for it, as Web API writes it. */
  ModelState?: Record<string, string[]>;
}

/** Web API's own texts, used for the statuses it produces itself; the 401 one is AuthorizeAttribute's. */
export const WEB_API_MESSAGES = {
  401: "Authorization has been denied for this request.",
  500: "An error has occurred.",
  invalidRequest: "The request is invalid.",
} as const;

/** Inferred: the realm is not published; the real host's name is the usual choice. */
export const BASIC_REALM = "nefwebapi.esmartapi.com";

/** The body for a bare status (a "status" fault without body, the kit's 413/500): Web API text or the reason phrase. */
export function esmartErrorBody(status: number, message?: string): EsmartErrorBody {
  const known = (WEB_API_MESSAGES as Record<number, string>)[status];
  return { Message: message ?? known ?? STATUS_CODES[status] ?? "Error" };
}

export function sendEsmartError(res: ServerResponse, status: number, message?: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, esmartErrorBody(status, message), headers);
}

/** 401 with the challenge a Basic-auth client expects (esmart.md: "401 carries WWW-Authenticate: Basic"). */
export function sendUnauthorized(res: ServerResponse): void {
  sendEsmartError(res, 401, undefined, { "www-authenticate": `Basic realm="${BASIC_REALM}"` });
}

/** 400 `{"Message":"The request is invalid.","ModelState":{...}}`, what `BadRequest(ModelState)` sends. */
export function sendModelStateError(res: ServerResponse, modelState: Record<string, string[]>): void {
  const body: EsmartErrorBody = { Message: WEB_API_MESSAGES.invalidRequest, ModelState: modelState };
  sendJson(res, 400, body);
}

import { STATUS_CODES, type ServerResponse } from "node:http";
import { sendJson } from "../http-kit.js";

/**
 * The vendor's answer shapes (customerarea.md "Transport"). The backend is Laravel (the validation body is
 * Laravel's ValidationException, lower-cased), so shapes the contract does not give follow Laravel too.
 */

/** Documented: 401 `{"message":"invalid token or unauthorized admin"}`, with no `code`. */
export const UNAUTHORIZED_BODY = { message: "invalid token or unauthorized admin" } as const;

/** Documented: the message of every validation failure. */
export const VALIDATION_MESSAGE = "the given data was invalid";

/**
 * Keys of `errors` that carry business rules rather than a request field (inferred). A client tells "demo limit
 * reached" and "not enough credit" from a bad field by these keys, never by the message text.
 */
export const RULE_ERROR_KEYS = { demoLimit: "demo", credit: "credit", notRenewable: "license_id" } as const;

/** Inferred `{"code":404,"message":...}` messages, in the success envelope's `code` + Laravel `message` style. */
export const NOT_FOUND_MESSAGES = {
  customer: "customer not found",
  licence: "license not found",
  route: "not found",
} as const;

export type FieldErrors = Record<string, string[]>;

export function sendContent(res: ServerResponse, content: unknown): void {
  sendJson(res, 200, { code: 200, content });
}

/** Documented: validation errors are HTTP 500 with `code: 500` and per-field messages. */
export function sendValidationError(res: ServerResponse, errors: FieldErrors): void {
  sendJson(res, 500, { code: 500, message: VALIDATION_MESSAGE, errors });
}

export function sendUnauthorized(res: ServerResponse): void {
  sendJson(res, 401, UNAUTHORIZED_BODY);
}

/**
 * The body for a bare status (a "status" fault without body, the kit's 413 or crash 500, 404 and 405): the
 * documented 401 body, else `{"code":<status>,"message":<reason phrase, lower case>}` (inferred).
 */
export function customerareaErrorBody(status: number, message?: string): unknown {
  if (status === 401 && message === undefined) return UNAUTHORIZED_BODY;
  return { code: status, message: message ?? (STATUS_CODES[status] ?? "error").toLowerCase() };
}

export function sendCustomerareaError(res: ServerResponse, status: number, message?: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, customerareaErrorBody(status, message), headers);
}

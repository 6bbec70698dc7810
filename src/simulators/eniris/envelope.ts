import { STATUS_CODES, type ServerResponse } from "node:http";
import { sendJson } from "../http-kit.js";

/** Messages of the four documented error components (eniris.md "Errors"; openapi def-0..def-3). */
const DOCUMENTED_MESSAGES: Record<number, string> = {
  400: "Missing or misformatted query parameter or body",
  401: "Failed to verify token",
  403: "User does not have sufficient rights",
  404: "Resource not found",
};

export interface EnirisErrorEnvelope {
  statusCode: number;
  error: string;
  message: string;
}

/**
 * Every Eniris error is `{"statusCode","error","message"}` with the HTTP reason phrase in `error`
 * (openapi def-0..def-3, additionalProperties false). Statuses outside the documented four get the
 * reason phrase as message: a simulator choice.
 */
export function enirisErrorBody(status: number, message?: string): EnirisErrorEnvelope {
  const reason = STATUS_CODES[status] ?? "Error";
  return { statusCode: status, error: reason, message: message ?? DOCUMENTED_MESSAGES[status] ?? reason };
}

export function sendEnirisError(res: ServerResponse, status: number, message?: string): void {
  sendJson(res, status, enirisErrorBody(status, message));
}

import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

// A request's id goes into its record (RequestRecord), carried along its handling by src/domain/operation-context.ts.

/** The header a request id arrives in (from a client or a proxy) and is returned in, on every response. */
export const REQUEST_ID_HEADER = "x-request-id";

/**
 * A client's id is kept only when it is a plain token: it goes into every log line of the request, so it must
 * not be able to carry anything else (newlines, markup, a 10 kB blob). Two headers arrive joined by ", " and so
 * never match: a new id is made instead.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-request-id` when it is sane, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === "string" && SANE_REQUEST_ID.test(given) ? given : newRequestId();
}

export function newRequestId(): string {
  return randomUUID();
}

import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { currentRequestOf, runInRequestContext } from "../domain/operation-context.js";

/** The header a request id arrives in (from a client or a proxy) and is returned in, on every response. */
export const REQUEST_ID_HEADER = "x-request-id";

/**
 * A client's id is kept only when it is a plain token: it goes into every log line of the request, so it must
 * not be able to carry anything else (newlines, markup, a 10 kB blob). Two headers arrive joined by ", " and so
 * never match: a new id is made instead.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What the gateway learns about one HTTP request while it runs, for its access-log line. */
export interface RequestRecord {
  readonly id: string;
  /** The GraphQL operation's name (null for an anonymous one) and type, once Apollo has resolved it. */
  operationName?: string | null;
  operationType?: string;
  /** The codes of the GraphQL errors in the response, each once. */
  errorCodes?: string[];
  /** The authenticated principal (`apikey:<id>`, `jwt:<sub>`, `auth-off`); never a credential. */
  principalId?: string;
}

/** The client's `x-request-id` when it is sane, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === "string" && SANE_REQUEST_ID.test(given) ? given : newRequestId();
}

export function newRequestId(): string {
  return randomUUID();
}

/**
 * Runs the handling of one request with its record reachable from anywhere below it (`currentRequest`), so a log
 * line written by an adapter or an Apollo plugin carries the request id without it being passed down. Carried by
 * the operation scope's AsyncLocalStorage (one for the whole process, see src/domain/operation-context.ts).
 */
export function runInRequest<T>(record: RequestRecord, fn: () => T): T {
  return runInRequestContext(record, fn);
}

/** The request being handled (also in work it started, such as a background cache refresh), or undefined outside one. */
export function currentRequest(): RequestRecord | undefined {
  return currentRequestOf<RequestRecord>();
}

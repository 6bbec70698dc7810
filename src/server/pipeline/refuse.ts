import type { ServerResponse } from "node:http";
import type { GraphQLError } from "graphql";
import { formatError, type ErrorLogger } from "../../errors/format.js";
import { discardRestOfBody } from "../request-body.js";
import type { Exchange } from "./exchange.js";

/** Answers a request refused by a step, before any operation ran, through the same error boundary as everything else. */
export type Refuse = (x: Exchange, error: GraphQLError) => void;

export function refusals(log: ErrorLogger, refused: (() => void) | undefined): Refuse {
  return ({ req, res }, error) => {
    const http = error.extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
    const status = http?.status ?? 400;
    // Headers the refusal carries (a 429's Retry-After, a 401's WWW-Authenticate).
    for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
    const body = JSON.stringify({ errors: [formatError(error.toJSON(), error, log)] });
    refused?.();
    const type = refusalType(req.headers.accept);
    if (status !== 413) return send(res, status, type, body);
    // A body too large: the answer is written at once, while the client may still be sending, and the connection
    // closes (so nothing more is sent on it) only once the rest of the body was read and dropped.
    res.setHeader("connection", "close");
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) }).write(body);
    void discardRestOfBody(req).then(() => res.end());
  };
}

export function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) }).end(body);
}

const JSON_TYPE = "application/json; charset=utf-8";
const GRAPHQL_RESPONSE_TYPE = "application/graphql-response+json; charset=utf-8";

/**
 * The media type of a refusal: of application/json and application/graphql-response+json, the one the Accept
 * header rates higher (q, then an exact name over a wildcard, then the earlier range); application/json without an
 * Accept header, or when the header names neither (an executed operation would answer 406; a refusal is more
 * useful).
 */
function refusalType(accept: string | undefined): string {
  const best = new Map<string, number[]>();
  (accept ?? "").split(",").forEach((range, index) => {
    const [name = "", ...parameters] = range.split(";").map((part) => part.trim().toLowerCase());
    const qParameter = parameters.find((p) => p.startsWith("q="));
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(2));
    if (!(q > 0)) return;
    const candidates =
      name === "*/*" || name === "application/*"
        ? [JSON_TYPE, GRAPHQL_RESPONSE_TYPE]
        : name === "application/json"
          ? [JSON_TYPE]
          : name === "application/graphql-response+json"
            ? [GRAPHQL_RESPONSE_TYPE]
            : [];
    const score = [q, candidates.length === 1 ? 1 : 0, -index];
    for (const type of candidates) if (compare(score, best.get(type)) > 0) best.set(type, score);
  });
  return compare(best.get(GRAPHQL_RESPONSE_TYPE), best.get(JSON_TYPE)) > 0 ? GRAPHQL_RESPONSE_TYPE : JSON_TYPE;
}

/** Lexicographic; a missing score is lower than any. */
function compare(a: number[] | undefined, b: number[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

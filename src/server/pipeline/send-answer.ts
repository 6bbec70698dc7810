import type { ServerResponse } from "node:http";
import { addVary, notModified } from "../conditional-get.js";
import type { Step } from "./exchange.js";

/**
 * On the way back: writes the executed answer, once the steps after this one have finished it (caching headers,
 * Cache-Status); a 304 when it is a GET whose ETag the client already holds.
 */
export function sendAnswer(): Step {
  return (next) => async (x) => {
    await next(x);
    const { answer, req, res } = x;
    if (!answer) return;
    if (notModified(req, answer.headers.get("etag"))) return sendNotModified(res, answer.headers, answer.cacheStatus);
    setHeaders(res, answer.headers);
    if (answer.cacheStatus !== undefined) res.setHeader("cache-status", answer.cacheStatus);
    res.statusCode = answer.status;
    res.end(answer.body);
  };
}

/** 304: the client's copy is current. Only the validators and caching headers go back (RFC 9110, 15.4.5). */
export function sendNotModified(res: ServerResponse, headers: Iterable<readonly [string, string]>, cacheStatus: string | undefined): void {
  setHeaders(
    res,
    [...headers].filter(([name]) => name === "etag" || name === "cache-control" || name === "vary"),
  );
  res.writeHead(304, cacheStatus === undefined ? [] : ["cache-status", cacheStatus]).end();
}

/** An answer's own headers onto `res`; Vary is added to, since the CORS step may have set it (Origin) already. */
export function setHeaders(res: ServerResponse, headers: Iterable<readonly [string, string]>): void {
  for (const [name, value] of headers) {
    if (name === "vary") addVary(res, value);
    else res.setHeader(name, value);
  }
}

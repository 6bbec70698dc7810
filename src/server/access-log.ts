import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logger.js";
import type { RequestRecord } from "../domain/operation-context.js";
import { REQUEST_ID_HEADER, requestIdOf } from "./request-id.js";

/** Longer paths are cut: the path is the client's text, and a log line should stay a line. */
const MAX_LOGGED_PATH = 200;
/** nginx's "client closed request": the client went away before the whole response was sent. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * Starts the record of one request. Its id goes into the `x-request-id` response header at once, before any
 * handler can answer, so every response carries it (refusals, cache hits, 404s, /readyz). One access-log line is
 * written when the response ends or the client goes away, with what an operator needs to follow the request and
 * nothing the client sent beyond its method and path: no headers, no body, no query string (a GET operation
 * carries its document and variables there).
 */
export function startRequestLog(req: IncomingMessage, res: ServerResponse, logger: Logger): RequestRecord {
  const log = accessLoggerOf(logger);
  const record: RequestRecord = { id: requestIdOf(req) };
  res.setHeader(REQUEST_ID_HEADER, record.id);
  const started = performance.now();
  res.once("close", () => {
    // Below the configured level the line is not written: do not build it either (this runs for every request).
    if (!log.isLevelEnabled("info")) return;
    const finished = res.writableFinished;
    const cache = res.getHeader("cache-status");
    log.info(
      {
        requestId: record.id,
        method: req.method,
        path: pathOf(req.url),
        status: finished ? res.statusCode : CLIENT_CLOSED_REQUEST,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...(record.operationType ? { operationName: record.operationName ?? null, operationType: record.operationType } : {}),
        ...(record.errorCodes?.length ? { errors: record.errorCodes } : {}),
        // The RFC 9211 header without the cache's name: "hit; ttl=12", "fwd=miss; stored".
        ...(typeof cache === "string" ? { cache: cache.replace(/^license-gateway;\s*/, "") } : {}),
        ...(record.principalId ? { principal: record.principalId } : {}),
      },
      finished ? "request" : "request aborted: the client went away before the response was sent",
    );
  });
  return record;
}

const accessLoggers = new WeakMap<Logger, Logger>();

/**
 * The access log's logger: the gateway's, without redaction. Its lines have a fixed shape whose keys no redaction
 * path names, so redacting them changes nothing but costs about 40 µs a line against 3 (pino runs every value
 * through its wildcard paths), on every request.
 */
function accessLoggerOf(logger: Logger): Logger {
  let child = accessLoggers.get(logger);
  if (!child) accessLoggers.set(logger, (child = logger.child({}, { redact: { paths: [] } })));
  return child;
}

function pathOf(url: string | undefined): string {
  const path = (url ?? "/").split("?", 1)[0]!;
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
}

import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayMetrics } from "./metrics.js";

/** `GET <path>`: the gateway's metrics for Prometheus. */
export interface MetricsEndpoint {
  path: string;
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/**
 * Serves `metrics` at `path`, outside GraphQL and its authentication: a scraper has no API key. With
 * `bearerToken`, a scrape must send it (`Authorization: Bearer ...`); it is compared in constant time, as digests
 * of equal length, so neither its content nor its length can be learned by timing.
 */
export function metricsEndpoint(metrics: GatewayMetrics, options: { path: string; bearerToken?: string | undefined }): MetricsEndpoint {
  const expected = options.bearerToken === undefined ? undefined : digest(options.bearerToken);
  return {
    path: options.path,
    async serve(req, res) {
      if (req.method !== "GET" && req.method !== "HEAD") {
        return send(res, 405, "text/plain; charset=utf-8", "only GET and HEAD\n", { allow: "GET, HEAD" });
      }
      if (expected !== undefined) {
        const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
        if (token === undefined || !timingSafeEqual(digest(token), expected)) {
          return send(res, 401, "text/plain; charset=utf-8", "a bearer token is required\n", {
            "www-authenticate": 'Bearer realm="metrics"',
          });
        }
      }
      const { contentType, text } = await metrics.render();
      send(res, 200, contentType, req.method === "HEAD" ? "" : text, {}, Buffer.byteLength(text));
    },
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
  length = Buffer.byteLength(body),
): void {
  res.writeHead(status, { "content-type": type, "content-length": length, "cache-control": "no-store", ...headers }).end(body);
}

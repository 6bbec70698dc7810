import type { IncomingMessage } from "node:http";
import { GraphQLError } from "graphql";
import { limitError } from "./limits.js";

export type BodyResult = { ok: true; body: unknown } | { ok: false; error: GraphQLError };

/** Apollo's code for a request that is not a GraphQL-over-HTTP request at all. */
export function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a POST body of at most `maxBytes` as text. A body that is too large is refused as soon as that is known
 * (413), from its Content-Length when it declares one, and the rest is left unread: Node discards it once the
 * response is sent, without resetting the connection. Events rather than an async iterator: this runs on every
 * request, cached answers included, and the iterator costs more than the rest of a cache hit.
 */
export function readRequestText(req: IncomingMessage, maxBytes: number): Promise<{ ok: true; text: string } | { ok: false; error: GraphQLError }> {
  const tooLarge = () => ({ ok: false, error: limitError("maxBodyBytes", `the request body is larger than ${maxBytes} bytes`, 413) }) as const;
  if (Number(req.headers["content-length"]) > maxBytes) return Promise.resolve(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Stop reading, but do not destroy the socket: the 413 must still reach the client.
      req.off("data", onData).off("end", onEnd).off("error", reject);
      req.pause();
      resolve(tooLarge());
    };
    const onEnd = () => {
      try {
        resolve({ ok: true, text: utf8.decode(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)) });
      } catch {
        resolve({ ok: false, error: badRequest("the request body is not valid UTF-8") });
      }
    };
    req.on("data", onData).once("end", onEnd).once("error", reject);
  });
}

/** JSON content types are parsed; any other body is handed to Apollo as text, which refuses it itself (its CSRF check needs the raw content type). */
export function parseRequestBody(req: IncomingMessage, text: string): BodyResult {
  if (text === "") return { ok: true, body: undefined };
  if (!(req.headers["content-type"] ?? "").includes("json")) return { ok: true, body: text };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, error: badRequest("the request body is not valid JSON") };
  }
}

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
 * (413), from its Content-Length when it declares one; the rest is left unread here, for {@link discardRestOfBody}
 * once the refusal is written. Events rather than an async iterator: this runs on every request, cached answers
 * included, and the iterator costs more than the rest of a cache hit.
 */
export function readRequestText(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ ok: true; text: string } | { ok: false; error: GraphQLError }> {
  const tooLarge = () =>
    ({ ok: false, error: limitError("maxBodyBytes", `the request body is larger than ${maxBytes} bytes`, 413) }) as const;
  if (Number(req.headers["content-length"]) > maxBytes) return Promise.resolve(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Stop collecting, but do not destroy the socket: the 413 must still reach the client.
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

/**
 * How much of a refused body is still read, and dropped, after the 413 was written. 10 MiB: ten times the default
 * `maxBodyBytes`, so a client that sent a mistaken upload of a few megabytes and reads its answer only once its
 * body is sent (many simple HTTP clients do) still gets the 413; nothing is kept, and at local network speeds that
 * is well under a second of reading. 10 s, so a client trickling its body cannot hold the connection for long.
 * A client that sends more, or for longer (a declared gigabyte), is cut off there. Clients that read while they
 * send (browsers, undici, fetch, curl) stop sending as soon as they have the 413, long before either bound.
 */
export const DISCARD_LIMIT = { bytes: 10 * 1024 * 1024, ms: 10_000 } as const;

/** How long a client cut off past DISCARD_LIMIT has to read its 413 before the connection is destroyed. */
const CUT_OFF_GRACE_MS = 1_000;

/**
 * Reads the rest of a body refused as too large and drops it; resolves once it has ended (or the client went
 * away), so the caller can close the connection then. Closing it while the client is still sending would reset
 * it: the client's next write fails (EPIPE, ECONNRESET) and it may never read the 413 already sent to it (undici
 * and fetch often did not). Past `limit` the client gets `graceMs` (1 s) to read its answer, then the socket is destroyed.
 */
export function discardRestOfBody(
  req: IncomingMessage,
  limit: { bytes: number; ms: number; graceMs?: number } = DISCARD_LIMIT,
): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let discarded = 0;
    let cut = false;
    // Past the bound the connection goes, but not at once: destroyed with the client's data unread, it is reset,
    // and a client still busy writing (10 MiB go in a few milliseconds here) may lose the 413 already sent. So
    // reading stops first; the client's writes stall once the buffers between the two fill, which leaves it free to
    // read its answer, and the connection is destroyed after the grace period.
    const cutOff = () => {
      if (cut) return;
      cut = true;
      clearTimeout(timer);
      req.off("data", onData);
      req.pause();
      setTimeout(() => {
        req.socket.destroy();
        done();
      }, limit.graceMs ?? CUT_OFF_GRACE_MS).unref();
    };
    const timer = setTimeout(cutOff, limit.ms);
    const done = () => {
      clearTimeout(timer);
      req.off("data", onData).off("end", done).off("error", done).off("close", done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > limit.bytes) cutOff();
    };
    req.on("data", onData).once("end", done).once("error", done).once("close", done);
    req.resume();
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

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
 * Reads a POST body of at most `maxBytes`. JSON content types are parsed; any other body is handed to Apollo
 * as text, which refuses it itself (its CSRF check needs the raw content type). A body that is too large is
 * refused as soon as that is known (413), from its Content-Length when it declares one, and the rest is left
 * unread: Node discards it once the response is sent, without resetting the connection.
 */
export async function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const tooLarge = { ok: false, error: limitError("maxBodyBytes", `the request body is larger than ${maxBytes} bytes`, 413) } as const;
  if (Number(req.headers["content-length"]) > maxBytes) return tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  // destroyOnReturn: false, so leaving the loop early does not reset the connection before the 413 is read.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return tooLarge;
    chunks.push(chunk);
  }
  let text: string;
  try {
    text = utf8.decode(Buffer.concat(chunks));
  } catch {
    return { ok: false, error: badRequest("the request body is not valid UTF-8") };
  }
  if (text === "") return { ok: true, body: undefined };
  if (!(req.headers["content-type"] ?? "").includes("json")) return { ok: true, body: text };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, error: badRequest("the request body is not valid JSON") };
  }
}

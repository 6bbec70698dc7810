import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { parseJson, readBody } from "../http-kit.js";

/** Eniris request bodies are small JSON objects; anything near this is a client bug. */
const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The request's JSON body if it satisfies `schema`, else undefined (the caller answers 400). A body sent with
 * another content type counts as misformatted: the spec lists only `application/json` request bodies.
 */
export async function readJsonBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T | undefined> {
  const text = await readBody(req, BODY_LIMIT_BYTES);
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) return undefined;
  const parsed = parseJson(text);
  if (!parsed.ok) return undefined;
  const result = schema.safeParse(parsed.value);
  return result.success ? result.data : undefined;
}

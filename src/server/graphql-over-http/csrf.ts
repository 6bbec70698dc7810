import type { IncomingHttpHeaders } from "node:http";
import { mimeEssence } from "./media-types.js";
import { badRequest } from "./request-errors.js";
import { headerOf } from "./types.js";

/** Content types a browser may send cross-site without a CORS preflight (fetch's CORS-safelisted ones). */
const SIMPLE_CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

/**
 * Headers that make a browser send a CORS preflight, so a request that carries one (with any content type, so any
 * GET) passes CSRF prevention: Apollo's two, which Apollo's clients send, and `authorization`. `authorization` is
 * not a CORS-safelisted header, and a request carrying an API key or a JWT is exactly what a cross-site form or
 * <img> cannot send; it lets a partner's persisted GET through without an Apollo-specific header.
 */
export const CSRF_PREFLIGHT_HEADERS = ["x-apollo-operation-name", "apollo-require-preflight", "authorization"];

/**
 * Whether a request passes CSRF prevention: a browser must have preflighted it (CORS then decides whether the page
 * may send it at all), so no page on another origin can make a visitor's browser run an operation, a mutation or a
 * read whose timing leaks. Preflighted means a content type that is not one of the simple ones (an unparsable one
 * too: a browser preflights it), or a non-empty preflight header.
 */
export function passesCsrfPrevention(headers: IncomingHttpHeaders): boolean {
  const contentType = headerOf(headers, "content-type");
  if (contentType !== undefined) {
    const essence = mimeEssence(contentType);
    if (essence === null || !SIMPLE_CONTENT_TYPES.includes(essence)) return true;
  }
  return CSRF_PREFLIGHT_HEADERS.some((name) => (headerOf(headers, name)?.length ?? 0) > 0);
}

/** The refusal of a request that fails CSRF prevention, in the words clients have always had (Apollo Server's). */
export function csrfRefusal() {
  return badRequest(
    `This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a ` +
      `'content-type' header (with a type that is not one of ${SIMPLE_CONTENT_TYPES.join(", ")}) or provide a non-empty ` +
      `value for one of the following headers: ${CSRF_PREFLIGHT_HEADERS.join(", ")}\n`,
  );
}

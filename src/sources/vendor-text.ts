/**
 * What the log may keep of a vendor's own words (an error body, a field it sent wrong). A vendor's text is never
 * shown to a client (see vendor-answer.ts); it is logged so an operator can still tell what happened, but a vendor
 * that echoes a request, a stack trace or a configuration can put credentials in it. So the text is scrubbed of
 * the source's configured credentials and of every shape a credential is known to take, then cut to a bound.
 */

/** Characters of a vendor's text the log keeps, after redaction. */
export const MAX_LOGGED_VENDOR_TEXT = 500;
/** Characters looked at before redaction: bounds the work on a large body; error bodies are far smaller. */
const MAX_SCANNED = 8 * 1024;
/** Credentials this short cannot be told from ordinary words: those are left to the shapes below. */
const MIN_SCRUBBED_LENGTH = 4;

const REDACTED = "[redacted]";

/** Names under which a value is a credential: `password=...`, `"refreshToken":"..."`, `api-key: ...`. */
const SECRET_NAME = String.raw`[\w-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|authorization|credential|cookie|session)[\w-]*`;

const SHAPES: ReadonlyArray<[RegExp, string]> = [
  // An Authorization value after its scheme.
  [/\b(Bearer|Basic|Digest)\s+[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${REDACTED}`],
  // A JWT: three base64url parts, the first two JSON objects (they start "eyJ", base64 of '{"').
  [/\beyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, REDACTED],
  // URL userinfo: scheme://user:password@host keeps the scheme and the host.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, `$1${REDACTED}@`],
  // The value after a secret's name, as key=value, key: value or "key":"value" (quotes escaped or not).
  [new RegExp(String.raw`(\b${SECRET_NAME}[\\"']*\s*[:=]\s*[\\"']*)[^\s"'\\,;&}\]]+`, "gi"), `$1${REDACTED}`],
];

/**
 * `text` fit for the log: each of `secrets` (the source's configured credentials, and their URL-encoded forms)
 * and each secret shape replaced by "[redacted]", then cut to MAX_LOGGED_VENDOR_TEXT characters. Redaction comes
 * before the cut so that a secret cut in two cannot survive as a prefix; the scanned text is cut at a whitespace
 * for the same reason.
 */
export function scrubVendorText(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text.length > MAX_SCANNED ? text.slice(0, MAX_SCANNED).replace(/\S*$/, "") : text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SCRUBBED_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
  return out.length > MAX_LOGGED_VENDOR_TEXT ? `${out.slice(0, MAX_LOGGED_VENDOR_TEXT - 1)}…` : out;
}

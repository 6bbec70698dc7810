import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * How a receiver knows a delivery came from this gateway and was not replayed: the scheme Stripe uses.
 * `X-License-Gateway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the webhook's
 * secret. The timestamp is inside the MAC, so an old delivery cannot be sent again with a new time; the receiver
 * refuses one whose time is too far from its own clock. Several `v1=` values may be given (one per secret while a
 * secret is being rotated); any one matching is enough.
 */
export const SIGNATURE_HEADER = "X-License-Gateway-Signature";
/** The event's cursor: the same for every attempt at one delivery, so a receiver can drop repeats. */
export const EVENT_ID_HEADER = "X-License-Gateway-Event-Id";
export const EVENT_TYPE_HEADER = "X-License-Gateway-Event-Type";

/** How far (s) a signature's timestamp may be from the receiver's clock, either way, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A hex SHA-256 digest: 64 characters. Anything else in a `v1=` is not a signature. */
const HEX_DIGEST = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

function digest(secret: string, body: string, timestampSeconds: number): Buffer {
  return createHmac("sha256", secret).update(`${timestampSeconds}.${body}`, "utf8").digest();
}

/** The header value for `body` sent at `timestampSeconds` (whole Unix seconds). */
export function signPayload(secret: string, body: string, timestampSeconds: number): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError(`a signature's timestamp is whole Unix seconds, got ${timestampSeconds}`);
  }
  return `t=${timestampSeconds},v1=${digest(secret, body, timestampSeconds).toString("hex")}`;
}

export interface VerifyOptions {
  /** How far (s) the timestamp may be from `now`, in the past or the future. Default 300. */
  toleranceSeconds?: number;
  /** The receiver's clock. Default: the current time. */
  now?: Date;
}

/** The parts of a signature header; null when it is not one (missing `t`, no `v1`, a part that does not parse). */
export function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const at = part.indexOf("=");
    if (at <= 0) return null;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === "t") {
      if (timestamp !== null || !UNIX_SECONDS.test(value)) return null;
      timestamp = Number(value);
    } else if (key === "v1") {
      if (!HEX_DIGEST.test(value)) return null;
      signatures.push(value);
    }
    // Other schemes (v0, a future v2) are skipped, so a receiver keeps working when the gateway adds one.
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * Whether `header` signs exactly `body` (the raw bytes received, before any JSON parsing) with `secret`, at a time
 * within the tolerance of `now`. A malformed header, a stale or future timestamp and a wrong MAC are all `false`:
 * the receiver answers them alike. Each candidate is compared in constant time.
 */
export function verifySignature(secret: string, body: string, header: string | null | undefined, options: VerifyOptions = {}): boolean {
  if (typeof header !== "string") return false;
  const parsed = parseSignatureHeader(header);
  if (parsed === null) return false;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - parsed.timestamp) > tolerance) return false;
  const expected = digest(secret, body, parsed.timestamp);
  // Every candidate is compared, matched or not, so the time taken does not say which one matched.
  let matched = false;
  for (const candidate of parsed.signatures) {
    if (timingSafeEqual(expected, Buffer.from(candidate, "hex"))) matched = true;
  }
  return matched;
}

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * API keys look like `lgw_<id>_<secret>`:
 * - `lgw_` says what it is (secret scanners and people can recognise a leaked one);
 * - `<id>`, 16 hex characters, is the key's public name: the lookup, the audit log's principal, what `revoke` takes;
 * - `<secret>`, 32 random bytes in base64url (43 characters), is never stored.
 *
 * The store keeps SHA-256 of the secret. No salt and no slow KDF: those protect low-entropy secrets (passwords)
 * against dictionary and precomputed attacks. A 256-bit uniformly random secret has no dictionary, and guessing
 * one from its hash is 2^256 work, so a fast hash is as strong here, and keeps every request's check cheap.
 */
const PREFIX = "lgw";
const FORMAT = /^lgw_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  id: string;
  /** The whole key, shown to its owner once. */
  token: string;
  /** What the store keeps. */
  hash: string;
}

export function generateApiKey(): GeneratedKey {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { id, token: `${PREFIX}_${id}_${secret}`, hash: hashSecret(secret) };
}

/** True when the bearer token is meant as an API key (rather than a JWT), well-formed or not. */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(`${PREFIX}_`);
}

/** The id and secret of a well-formed key; null otherwise. */
export function parseApiKey(token: string): { id: string; secret: string } | null {
  const match = FORMAT.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Compares in constant time, so the time taken says nothing about how much of the hash matched. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

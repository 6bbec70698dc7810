import { createHash } from "node:crypto";

/**
 * A uuid-formatted id derived from a seed string (SHA-256, version nibble 5, RFC 4122 variant), so demo data
 * has the same ids on every run and in every process without storing them.
 */
export function deterministicUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex").slice(0, 32).split("");
  hex[12] = "5";
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

import { escapeForbiddenCharacters } from "../validate.js";

/**
 * What the audit log keeps of a mutation's input: secrets redacted, every value bounded and storable, and one
 * operation's entries bounded together. Without the bounds a client could make the gateway write far more than it
 * sent: a 100 KB input refused for its length was stored whole, once per alias (30 aliases: 3 MB a request).
 */

/**
 * The longest string kept. Every field a mutation accepts is shorter (256 characters at most, validate.ts), so a
 * longer one was refused for its length: its length is all the audit needs.
 */
export const MAX_AUDITED_STRING = 256;
/**
 * What one operation's entries keep of their inputs, all together, in bytes of JSON. Room for any single
 * mutation's real input (a partner key with hundreds of grants, a publication of hundreds of documents); past it,
 * an entry keeps only its input's size. The entries themselves are bounded by the operation limits (maxAliases).
 */
export const AUDIT_BUDGET_BYTES = 64 * 1024;

/** Input fields whose values the audit log never keeps, whatever mutation they come in. */
const SECRET_FIELDS = /^(secret|password|token|refreshtoken|apikey|authorization|hs256secret)$/i;

/** A copy of `value` with secret-named fields replaced and each string bounded, at any depth. */
export function auditedValue(value: unknown): unknown {
  if (typeof value === "string") return auditedString(value);
  if (Array.isArray(value)) return value.map(auditedValue);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.test(k) ? "[redacted]" : auditedValue(v)]));
}

function auditedString(value: string): string {
  if (value.length > MAX_AUDITED_STRING) return `[too long: ${value.length} characters; not kept]`;
  // PostgreSQL's jsonb refuses \u0000 (and lone surrogates): written out as text, the entry is stored and still
  // says what was sent. Such a value was refused anyway.
  return escapeForbiddenCharacters(value);
}

/** One operation's budget (AuditedWriter is built per operation): inputs are kept until it is spent. */
export class AuditBudget {
  private left = AUDIT_BUDGET_BYTES;

  keep(input: unknown): unknown {
    const value = auditedValue(input);
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? "null");
    if (bytes > this.left)
      return { notKept: `${bytes} bytes of input, over the ${AUDIT_BUDGET_BYTES} this operation's audit entries may keep` };
    this.left -= bytes;
    return value;
  }
}

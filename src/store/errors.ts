/** Replaces `user:password@` so a URL can go into a message or a log. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/?#]*@/, "//***@");
}

/**
 * SQLite's extended result codes for the constraint violations the query modules tell apart, as the SQLSTATEs
 * PostgreSQL reports for the same violations, so callers test one code whatever the engine.
 */
const SQLITE_TO_SQLSTATE: Record<string, string> = {
  SQLITE_CONSTRAINT_PRIMARYKEY: "23505",
  SQLITE_CONSTRAINT_UNIQUE: "23505",
  SQLITE_CONSTRAINT_FOREIGNKEY: "23503",
  SQLITE_CONSTRAINT_NOTNULL: "23502",
  SQLITE_CONSTRAINT_CHECK: "23514",
};

/**
 * The SQLSTATE of a database error (`23505` unique violation, `23503` foreign key, `23514` check, `23502` not
 * null) on either engine.
 */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  if (/^[0-9A-Z]{5}$/.test(code)) return code;
  return SQLITE_TO_SQLSTATE[code];
}

import { badInput } from "../errors/gateway-error.js";

/**
 * The opaque cursors of the store's keyset pages (license-index.ts, webhooks.ts): base64url of the JSON array of
 * the sort key of the last row read, so a page goes on strictly after it however rows come and go before it. Plain
 * JSON inside, as the GraphQL layer's cursors (src/graphql/common/connection.ts), so one can be read when debugging.
 */
export function encodePageCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/**
 * The sort key in `cursor`, checked by `read` (which returns null for anything that is not one of its cursors);
 * a cursor that is not one is the caller's mistake, BAD_USER_INPUT on `field`.
 */
export function decodePageCursor<K>(cursor: string, read: (decoded: unknown) => K | null, field = "after"): K {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const key = decoded === undefined ? null : read(decoded);
  if (key === null) throw badInput([field], `${JSON.stringify(cursor)} is not a cursor of this list`);
  return key;
}

/** A page size the caller checked and capped: a non-negative integer. */
export function checkPageSize(first: number, field = "first"): number {
  if (!Number.isInteger(first) || first < 0) throw badInput([field], `${field} must be a non-negative integer, got ${first}`);
  return first;
}

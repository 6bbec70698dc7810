import type { CustomerPosition, CustomerRow } from "../../store/customers.js";
import { encodeCursor } from "../common/connection.js";

/**
 * A customers cursor is its row's place in the list's order, `[name, id]` as base64url JSON. The format predates
 * the other connections' `[type, key]` cursors and is kept as it is, so that cursors clients hold stay valid.
 */
export const customerCursor = (row: CustomerRow): string => encodeCursor([row.name, row.id]);

/** A decoded cursor as a position in the customers list, or null when it is not a customers cursor. */
export function customerPosition(decoded: unknown): CustomerPosition | null {
  if (!Array.isArray(decoded) || decoded.length !== 2) return null;
  const [name, id] = decoded as unknown[];
  return typeof name === "string" && typeof id === "string" ? [name, id] : null;
}

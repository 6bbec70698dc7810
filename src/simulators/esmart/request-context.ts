import type { IncomingMessage } from "node:http";
import { ESMART_AREA, type EsmartArea } from "./data.js";

/**
 * Who is asking and in which area: the two things every eSmart request carries besides its path (docs/vendors/documents/esmart.txt:
 * Basic authentication against the customer information system, and the `X-Area` header).
 */

export interface EsmartUser {
  username: string;
  password: string;
  /** The customers whose resources (profile, gateways, devices) this user may see and change. */
  customerIds: string[];
}

/**
 * The user behind `Authorization: Basic base64(username:password)`, or undefined for a missing, malformed or
 * wrong one. The password is everything after the first colon (RFC 7617), so it may itself contain colons.
 */
export function basicAuthUser(req: IncomingMessage, users: readonly EsmartUser[]): EsmartUser | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? "");
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return users.find((u) => u.username === username && u.password === password);
}

/**
 * The area `X-Area` selects: absent means Power (docs/vendors/documents/esmart.txt: "The default area is Power"); "1" is Net and "2"
 * Power; anything else (an empty value, "Power", two headers joined as "1, 2") is refused, and the caller
 * answers 400. Refusing rather than falling back to Power is inferred: a typo should not silently read the
 * other area's data.
 */
export function requestArea(req: IncomingMessage): { ok: true; area: EsmartArea } | { ok: false; header: string } {
  const header = req.headers["x-area"];
  if (header === undefined) return { ok: true, area: ESMART_AREA.power };
  const value = Array.isArray(header) ? header.join(", ") : header;
  if (value === "1") return { ok: true, area: ESMART_AREA.net };
  if (value === "2") return { ok: true, area: ESMART_AREA.power };
  return { ok: false, header: value };
}

/** The raw `X-Area` header of a request as it arrived (undefined when absent), for the area log. */
export function rawAreaHeader(req: IncomingMessage): string | undefined {
  const header = req.headers["x-area"];
  return Array.isArray(header) ? header.join(", ") : header;
}

/**
 * Ids compare case-insensitively: inferred from the backend being ASP.NET on SQL Server, whose default
 * collation ignores case (the same reason the routing does).
 */
export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function mayAccess(user: EsmartUser, customerId: string): boolean {
  return user.customerIds.some((id) => sameId(id, customerId));
}

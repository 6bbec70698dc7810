import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJson, readBody, sendJson } from "../http-kit.js";
import type { EsmartArea, EsmartDemoCustomer, EsmartDemoData } from "./data.js";
import { sendEsmartError, sendModelStateError } from "./envelope.js";
import { mayAccess, sameId, type EsmartUser } from "./request-context.js";

/** What every eSmart handler gets once routing, authentication and the area check have passed. */
export interface EsmartRequestContext {
  data: EsmartDemoData;
  user: EsmartUser;
  area: EsmartArea;
}

/** PATCH bodies are three short strings; anything near this is a client bug (the kit answers 413). */
const BODY_LIMIT_BYTES = 64 * 1024;

/** Web API's JsonMediaTypeFormatter reads these two; any other content type is a 415. */
const JSON_MEDIA_TYPES = ["application/json", "text/json"];

/** The Web API action's parameter name, which prefixes every ModelState key (inferred: "customer"). */
const PARAMETER = "customer";

export type EsmartCustomer = Omit<EsmartDemoCustomer, "area">;

export function customerWire({ area: _area, ...wire }: EsmartDemoCustomer): EsmartCustomer {
  return wire;
}

/**
 * The customer with this id in the request's area, after the ownership check; else undefined with the error
 * sent. Unknown (in this area) is 404; someone else's is 403, not 404: inferred, docs/vendors/documents/esmart.txt only says a user "is
 * only allowed to access (read/write) his/her own resources", and esmart.md allows either. 403 lets a client
 * tell "wrong account" from "wrong id"; the simulator accepts the existence leak that comes with it.
 */
function findOwnCustomer(ctx: EsmartRequestContext, res: ServerResponse, customerId: string): EsmartDemoCustomer | undefined {
  const customer = ctx.data.customers.find((c) => c.area === ctx.area && sameId(c.CustomerId, customerId));
  if (customer === undefined) {
    sendEsmartError(res, 404, `Customer '${customerId}' was not found.`);
    return undefined;
  }
  if (!mayAccess(ctx.user, customer.CustomerId)) {
    sendEsmartError(res, 403, `The authenticated user does not have access to customer '${customerId}'.`);
    return undefined;
  }
  return customer;
}

/** GET api/customers/{customerId} */
export function getCustomer(ctx: EsmartRequestContext, res: ServerResponse, customerId: string): void {
  const customer = findOwnCustomer(ctx, res, customerId);
  if (customer !== undefined) sendJson(res, 200, customerWire(customer));
}

type PatchField = "PhoneNumber" | "MobileNumber" | "Email";
const PATCH_FIELDS: readonly PatchField[] = ["PhoneNumber", "MobileNumber", "Email"];

/**
 * PATCH api/customers/{customerId}: "Can update PhoneNumber (numbers only, max 14 digits), MobileNumber (numbers
 * only, max 14 digits) and/or Email (must be a valid address, max 100 characters)" (docs/vendors/documents/esmart.txt, documented).
 *
 * Inferred, each the ASP.NET Web API default unless said otherwise:
 * - Existence and ownership are checked before the body (404/403 first): nothing about a customer one cannot
 *   see is validated.
 * - Property names match case-insensitively (Json.NET's default binding).
 * - Any other property is refused with a ModelState entry (the real API might ignore it; refusing is the
 *   project's choice so a client typo cannot pass silently).
 * - Messages are the DataAnnotations defaults for [RegularExpression], [StringLength] and [EmailAddress].
 * - `null` clears PhoneNumber or MobileNumber; Email cannot be cleared. "" is not a phone number.
 * - Success is 200 with the updated customer (not 204), so a client need not GET it again.
 */
export async function patchCustomer(
  ctx: EsmartRequestContext,
  req: IncomingMessage,
  res: ServerResponse,
  customerId: string,
): Promise<void> {
  const customer = findOwnCustomer(ctx, res, customerId);
  if (customer === undefined) return;

  const text = await readBody(req, BODY_LIMIT_BYTES);
  const mediaType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (text.trim() === "") return sendModelStateError(res, { [PARAMETER]: ["A non-empty request body is required."] });
  if (!JSON_MEDIA_TYPES.includes(mediaType)) {
    // Web API's wording; a request without Content-Type counts as application/octet-stream.
    const shown = mediaType === "" ? "application/octet-stream" : mediaType;
    return sendEsmartError(res, 415, `The request entity's media type '${shown}' is not supported for this resource.`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) return sendModelStateError(res, { [PARAMETER]: ["The request body is not valid JSON."] });
  const body = parsed.value;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return sendModelStateError(res, { [PARAMETER]: ["The request body must be a JSON object."] });
  }

  const errors: Record<string, string[]> = {};
  const changes: Partial<Record<PatchField, string | null>> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const field = PATCH_FIELDS.find((f) => f.toLowerCase() === key.toLowerCase());
    if (field === undefined) {
      errors[`${PARAMETER}.${key}`] = [`${key} cannot be updated. Only PhoneNumber, MobileNumber and Email can.`];
      continue;
    }
    const problems = field === "Email" ? emailProblems(value) : phoneProblems(field, value);
    if (problems.length > 0) errors[`${PARAMETER}.${field}`] = problems;
    else changes[field] = value as string | null;
  }
  if (Object.keys(errors).length > 0) return sendModelStateError(res, errors);
  if (Object.keys(changes).length === 0) {
    return sendModelStateError(res, { [PARAMETER]: ["At least one of PhoneNumber, MobileNumber or Email is required."] });
  }

  Object.assign(customer, changes);
  sendJson(res, 200, customerWire(customer));
}

const DIGITS = "^[0-9]+$";
const PHONE_MAX_LENGTH = 14;
const EMAIL_MAX_LENGTH = 100;
/**
 * "must be a valid address" (docs/vendors/documents/esmart.txt) without the real rule: one @, no spaces, a dot in the domain. Inferred;
 * looser than RFC 5322 and close to what [EmailAddress] accepts for ordinary addresses.
 */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

function phoneProblems(field: PatchField, value: unknown): string[] {
  if (value === null) return [];
  if (typeof value !== "string") return [`The field ${field} must be a string of digits.`];
  const problems: string[] = [];
  if (!new RegExp(DIGITS).test(value)) problems.push(`The field ${field} must match the regular expression '${DIGITS}'.`);
  if (value.length > PHONE_MAX_LENGTH) problems.push(`The field ${field} must be a string with a maximum length of ${PHONE_MAX_LENGTH}.`);
  return problems;
}

function emailProblems(value: unknown): string[] {
  if (typeof value !== "string") return ["The Email field is not a valid e-mail address."];
  const problems: string[] = [];
  if (!EMAIL.test(value)) problems.push("The Email field is not a valid e-mail address.");
  if (value.length > EMAIL_MAX_LENGTH) problems.push(`The field Email must be a string with a maximum length of ${EMAIL_MAX_LENGTH}.`);
  return problems;
}

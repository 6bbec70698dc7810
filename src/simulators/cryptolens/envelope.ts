import { STATUS_CODES, type ServerResponse } from "node:http";
import { sendJson } from "../http-kit.js";

/** The error messages the contract lists (cryptolens.md "Error messages", docs/vendors/documents/cryptolens.txt "Errors"), verbatim. */
export const CRYPTOLENS_MESSAGES = {
  unauthenticated: "Unable to authenticate.",
  accessDenied: "Access denied.",
  badInput: "The input parameters were incorrect.",
  customerNotFound: "Customer does not exist.",
  secretMissing: "The Secret was not specified.",
  /** Seed 004 lists it for GetCustomerLicensesBySecret: two customers share the secret sent. */
  duplicateSecret: "A customer with the same secret exists.",
  productNotFound: "Could not find the product.",
  keyNotFound: "Could not find the key.",
  keyBlocked: "The key is blocked and cannot be accessed.",
  machineLimit: "Cannot activate the new device as the limit has been reached.",
} as const;

export type CryptolensMessage = (typeof CRYPTOLENS_MESSAGES)[keyof typeof CRYPTOLENS_MESSAGES];

export interface CryptolensErrorEnvelope {
  result: 1;
  message: string;
}

/**
 * The HTTP status sent with each error. Documented: errors carry `{"result":1,"message"}` also on non-2xx
 * statuses (cryptolens.md "Transport"); the official SDKs read the body of an HTTPError for that reason.
 * Which status goes with which message is not published: the simulator answers authentication failures
 * with 401 (users report 401s from a bad token, cryptolens-java issue #31) and every other error with 400.
 */
export function statusFor(message: string): number {
  return message === CRYPTOLENS_MESSAGES.unauthenticated || message === CRYPTOLENS_MESSAGES.accessDenied ? 401 : 400;
}

/** The body for a bare status (a fault without body, a 413, a crash's 500): the envelope with the reason phrase. */
export function cryptolensErrorBody(status: number, message?: string): CryptolensErrorEnvelope {
  return { result: 1, message: message ?? STATUS_CODES[status] ?? "Error" };
}

export function sendCryptolensError(res: ServerResponse, message: CryptolensMessage): void {
  sendJson(res, statusFor(message), cryptolensErrorBody(statusFor(message), message));
}

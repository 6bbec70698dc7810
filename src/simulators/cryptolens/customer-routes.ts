import type { ServerResponse } from "node:http";
import { sendJson } from "../http-kit.js";
import type { CryptolensDemoCustomer, CryptolensDemoData } from "./data.js";
import { CRYPTOLENS_MESSAGES, sendCryptolensError } from "./envelope.js";
import { basicLicenseKeyJson, keyMetadataJson, licenseKeyJson } from "./license-json.js";
import { INVALID, type CryptolensParams } from "./params.js";

/** customer/GetCustomerLicenses and customer/GetCustomerLicensesBySecret (docs/vendors/documents/cryptolens.txt), over the live data. */

/** `CustomerId`* (int), `Detailed`, `Metadata`. */
export function getCustomerLicenses(data: CryptolensDemoData, params: CryptolensParams, res: ServerResponse): void {
  const customerId = params.int("CustomerId");
  if (customerId === undefined || customerId === INVALID) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.badInput);
  const customer = data.customers.find((c) => c.id === customerId);
  if (customer === undefined) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.customerNotFound);
  sendLicenses(data, params, res, customer);
}

/** `Secret`*, `Detailed`, `Metadata`. */
export function getCustomerLicensesBySecret(data: CryptolensDemoData, params: CryptolensParams, res: ServerResponse): void {
  const secret = params.string("Secret");
  if (secret === undefined) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.secretMissing);
  // Secrets compare exactly (simulator choice). Two customers sharing one is the seed's own error case.
  const matching = data.customers.filter((c) => c.secret === secret);
  if (matching.length > 1) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.duplicateSecret);
  if (matching[0] === undefined) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.customerNotFound);
  sendLicenses(data, params, res, matching[0]);
}

function sendLicenses(data: CryptolensDemoData, params: CryptolensParams, res: ServerResponse, customer: CryptolensDemoCustomer): void {
  const detailed = params.bool("Detailed");
  const metadata = params.bool("Metadata");
  if (detailed === INVALID || metadata === INVALID) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.badInput);
  // Keys of every product of the account; the demo has one product. Ordered by key id (simulator choice).
  const keys = data.keys.filter((k) => k.customerId === customer.id).sort((a, b) => a.id - b.id);
  const now = Date.now();
  sendJson(res, 200, {
    licenseKeys: keys.map((k) => (detailed ? licenseKeyJson(data, k) : basicLicenseKeyJson(k))),
    // A dictionary keyed by globalId, only when asked (docs/vendors/documents/cryptolens.txt "Results").
    ...(metadata ? { metadata: Object.fromEntries(keys.map((k) => [String(k.globalId), keyMetadataJson(k, now)])) } : {}),
    result: 0,
    // The seed's example success answer carries `"message":null`.
    message: null,
  });
}

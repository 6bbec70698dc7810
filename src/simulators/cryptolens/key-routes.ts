import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http-kit.js";
import { cryptolensDate, type CryptolensDemoData, type CryptolensDemoKey } from "./data.js";
import { CRYPTOLENS_MESSAGES, sendCryptolensError } from "./envelope.js";
import { keyMetadataJson, licenseKeyJson } from "./license-json.js";
import { INVALID, type CryptolensParams } from "./params.js";

/** key/GetKey, key/Activate and key/Deactivate (cryptolens.md "Methods the gateway uses"), over the live data. */

/**
 * The key named by `ProductId`* and `Key`*, or an error already sent. Checks run in the order a client can
 * fix them: parameters, product, key, block. Keys compare exactly, case included (simulator choice: an
 * adapter that changes a key's case should notice).
 */
function findKey(data: CryptolensDemoData, params: CryptolensParams, res: ServerResponse): CryptolensDemoKey | undefined {
  const productId = params.int("ProductId");
  const keyString = params.string("Key");
  if (productId === undefined || productId === INVALID || keyString === undefined) {
    sendCryptolensError(res, CRYPTOLENS_MESSAGES.badInput);
    return undefined;
  }
  if (productId !== data.productId) {
    sendCryptolensError(res, CRYPTOLENS_MESSAGES.productNotFound);
    return undefined;
  }
  const key = data.keys.find((k) => k.productId === productId && k.key === keyString);
  if (key === undefined) {
    sendCryptolensError(res, CRYPTOLENS_MESSAGES.keyNotFound);
    return undefined;
  }
  if (key.block) {
    sendCryptolensError(res, CRYPTOLENS_MESSAGES.keyBlocked);
    return undefined;
  }
  return key;
}

/** `Metadata` as a flag, or undefined after answering "incorrect" for a value that is not a boolean. */
function metadataFlag(params: CryptolensParams, res: ServerResponse): boolean | undefined {
  const metadata = params.bool("Metadata");
  if (metadata === INVALID) {
    sendCryptolensError(res, CRYPTOLENS_MESSAGES.badInput);
    return undefined;
  }
  return metadata;
}

/** `{licenseKey, metadata?, result:0, message:""}`; metadata is one object here, not a dictionary. */
function sendKey(data: CryptolensDemoData, res: ServerResponse, key: CryptolensDemoKey, metadata: boolean): void {
  sendJson(res, 200, {
    licenseKey: licenseKeyJson(data, key),
    ...(metadata ? { metadata: keyMetadataJson(key, Date.now()) } : {}),
    result: 0,
    message: "",
  });
}

/**
 * Read-only. Besides the contract's `ProductId` and `Key`, it honours `Metadata` like Activate (the .NET SDK's
 * KeyInfoModel has it). `Sign`, `FieldsToReturn` and the like are accepted and ignored: the simulator always
 * returns the unsigned JSON LicenseKey.
 */
export function getKey(data: CryptolensDemoData, params: CryptolensParams, res: ServerResponse): void {
  const metadata = metadataFlag(params, res);
  if (metadata === undefined) return;
  const key = findKey(data, params, res);
  if (key === undefined) return;
  sendKey(data, res, key, metadata);
}

/**
 * Node-locked activation of `MachineCode` (the gateway sends a controller nodeId):
 * - already activated on that machine: success, nothing added or changed (documented: the limit counts
 *   "unique machine codes", Cryptolens FAQ "Maximum number of machines");
 * - `maxNoOfMachines` 0: success and nothing recorded (documented, Cryptolens FAQ "Setting to zero": machine
 *   codes are not added, any number of machines may run the software);
 * - at the limit: "Cannot activate the new device as the limit has been reached." (documented);
 * - expired but not blocked: success (documented, Cryptolens FAQ "Expiration date": the expiry date does not
 *   affect activation unless the product blocks expired licenses, which the demo product does not);
 * - no `MachineCode`: "The input parameters were incorrect." (simulator choice; the real answer is not
 *   documented, and refusing it makes a client that forgets the machine code fail loudly).
 * The new entry is `{mid, ip: client address, time: now, friendlyName: FriendlyName or null}`.
 */
export function activate(data: CryptolensDemoData, params: CryptolensParams, req: IncomingMessage, res: ServerResponse): void {
  const metadata = metadataFlag(params, res);
  if (metadata === undefined) return;
  const key = findKey(data, params, res);
  if (key === undefined) return;
  const machineCode = params.string("MachineCode");
  if (machineCode === undefined) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.badInput);
  const known = key.activatedMachines.some((m) => m.mid === machineCode);
  if (!known && key.maxNoOfMachines > 0) {
    if (key.activatedMachines.length >= key.maxNoOfMachines) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.machineLimit);
    key.activatedMachines.push({
      mid: machineCode,
      ip: clientIp(req),
      time: cryptolensDate(Date.now()),
      friendlyName: params.string("FriendlyName") ?? null,
    });
  }
  sendKey(data, res, key, metadata);
}

/**
 * Removes `MachineCode` from the key's activated machines: `{result:0, message:""}`. Simulator choices (not
 * documented): a machine code that is not activated is a success that changes nothing, so a release can be
 * retried; no `MachineCode` is "The input parameters were incorrect."; a blocked key is refused like GetKey.
 */
export function deactivate(data: CryptolensDemoData, params: CryptolensParams, res: ServerResponse): void {
  const key = findKey(data, params, res);
  if (key === undefined) return;
  const machineCode = params.string("MachineCode");
  if (machineCode === undefined) return sendCryptolensError(res, CRYPTOLENS_MESSAGES.badInput);
  const index = key.activatedMachines.findIndex((m) => m.mid === machineCode);
  if (index >= 0) key.activatedMachines.splice(index, 1);
  sendJson(res, 200, { result: 0, message: "" });
}

function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

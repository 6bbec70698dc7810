import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson } from "../http-kit.js";
import type { EnirisDemoData, EnirisDemoLicense } from "./data.js";
import { sendEnirisError } from "./envelope.js";
import { readJsonBody } from "./request-body.js";

/** The four `/v1/license/*` operations of eniris-license.openapi.yaml, over the simulator's live data. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Request schemas copied from the spec: minLength/maxLength, `format: date-time`, additionalProperties false.
const activateBody = z.strictObject({
  key: z.string().min(1).max(50),
  activationIso: z.iso.datetime({ offset: true }).optional(),
});
const claimBody = z.strictObject({
  licenseKey: z.string().min(1).max(50),
  nodeId: z.string().min(1),
});

/** The License shape of the spec, field by field: the server-side `customerId` never leaks. */
function licenseJson(license: EnirisDemoLicense) {
  return {
    id: license.id,
    key: license.key,
    gridKw: license.gridKw,
    solarKw: license.solarKw,
    batteryKw: license.batteryKw,
    evKw: license.evKw,
    creationDate: license.creationDate,
    activationDate: license.activationDate,
    duration: license.duration,
    deactivationDate: license.deactivationDate,
    type: license.type,
  };
}

export function licensesByCustomer(data: EnirisDemoData, res: ServerResponse, customerId: string, url: URL): void {
  const includeDatalinks = url.searchParams.get("includeDatalinks") ?? "false";
  if (!UUID.test(customerId) || (includeDatalinks !== "true" && includeDatalinks !== "false")) {
    return sendEnirisError(res, 400);
  }
  // uuids compare case-insensitively, as a database uuid column does.
  const customer = data.customers.find((c) => c.id === customerId.toLowerCase());
  if (customer === undefined) return sendEnirisError(res, 404, "Customer not found");
  const licenses = data.licenses
    .filter((l) => l.customerId === customer.id)
    .map((l) =>
      includeDatalinks === "true"
        ? { ...licenseJson(l), datalinks: data.datalinks.filter((d) => d.licenseId === l.id).map((d) => d.id) }
        : licenseJson(l),
    );
  sendJson(res, 200, { licenses });
}

export function licensesByController(data: EnirisDemoData, res: ServerResponse, nodeId: string): void {
  if (!data.controllers.some((c) => c.nodeId === nodeId)) return sendEnirisError(res, 404, "Controller not found");
  const linked = new Set(data.datalinks.filter((d) => d.nodeId === nodeId).map((d) => d.licenseId));
  sendJson(res, 200, { licenses: data.licenses.filter((l) => linked.has(l.id)).map(licenseJson) });
}

export async function activateLicense(data: EnirisDemoData, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJsonBody(req, activateBody);
  if (body === undefined) return sendEnirisError(res, 400);
  const license = data.licenses.find((l) => l.key === body.key);
  if (license === undefined) return sendEnirisError(res, 404, "License not found");
  // Activation is one-way; a second call is refused (eniris.md, openapi activate "400").
  if (license.activationDate !== null) return sendEnirisError(res, 400, "License is already activated");
  license.activationDate = new Date(body.activationIso ?? Date.now()).toISOString();
  sendJson(res, 200, { success: true, license: licenseJson(license) });
}

export async function claimLicense(data: EnirisDemoData, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // One message for both 400 causes: the spec's claim "400" description lumps them together.
  const claimRefused = "Invalid request body or license already claimed";
  const body = await readJsonBody(req, claimBody);
  if (body === undefined) return sendEnirisError(res, 400, claimRefused);
  const license = data.licenses.find((l) => l.key === body.licenseKey);
  const controller = data.controllers.find((c) => c.nodeId === body.nodeId);
  if (license === undefined || controller === undefined) return sendEnirisError(res, 404, "License or controller not found");
  if (data.datalinks.some((d) => d.licenseId === license.id)) return sendEnirisError(res, 400, claimRefused);
  data.datalinks.push({ id: randomUUID(), licenseId: license.id, nodeId: controller.nodeId, createdAt: new Date().toISOString() });
  // The claim answer carries no datalink id (eniris.md "Inferred"); clients re-read to learn it.
  sendJson(res, 200, { success: true, license: { id: license.id, key: license.key, nodeId: controller.nodeId } });
}

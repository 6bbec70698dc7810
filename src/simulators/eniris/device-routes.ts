import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson } from "../http-kit.js";
import type { EnirisDemoController, EnirisDemoData } from "./data.js";
import { sendEnirisError } from "./envelope.js";
import { readJsonBody } from "./request-body.js";

/**
 * `POST /v1/device/query` (eniris.md "Controllers"): the batch lookup of controllers. Each filter key takes a
 * list of values and unknown keys are refused (`additionalProperties: false`). The contract documents only
 * `filter`, so the simulator refuses any other top-level key too, to catch a client sending guesses.
 */
const queryBody = z.strictObject({
  filter: z.strictObject({
    nodeId: z.array(z.string()).optional(),
    nodeType: z.array(z.string()).optional(),
  }),
});

/** From Eniris' client code, not the spec (eniris.md "Controllers"). Every demo device is a controller. */
const CONTROLLER_NODE_TYPE = "smartgridController";

function deviceJson(controller: EnirisDemoController) {
  return {
    id: controller.deviceId,
    lastUpdate: controller.lastUpdate,
    // nodeId and nodeType are documented; name and serialNumber fill the contract's "...": a simulator choice.
    properties: {
      nodeId: controller.nodeId,
      nodeType: CONTROLLER_NODE_TYPE,
      name: controller.name,
      serialNumber: controller.serialNumber,
    },
    // The contract names userRights but not its shape: a simulator choice.
    userRights: { read: true, update: false, delete: false },
  };
}

export async function queryDevices(data: EnirisDemoData, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJsonBody(req, queryBody);
  if (body === undefined) return sendEnirisError(res, 400);
  const { nodeId, nodeType } = body.filter;
  // Values within one key are alternatives (OR); different keys must all hold (AND).
  const devices = data.controllers.filter(
    (c) => (nodeId === undefined || nodeId.includes(c.nodeId)) && (nodeType === undefined || nodeType.includes(CONTROLLER_NODE_TYPE)),
  );
  sendJson(res, 200, { device: devices.map(deviceJson) });
}

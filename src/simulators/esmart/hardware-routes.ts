import type { ServerResponse } from "node:http";
import { sendJson } from "../http-kit.js";
import type { EsmartDemoDevice, EsmartDemoGateway } from "./data.js";
import type { EsmartRequestContext } from "./customer-routes.js";
import { sendEsmartError } from "./envelope.js";
import { mayAccess, sameId } from "./request-context.js";

/**
 * Gateways (a controller's hardware) and the devices behind them (esmart.md "Endpoints the gateway uses"; paths
 * documented, bodies inferred). A gateway belongs to one customer; its devices share that owner. As for
 * customers, unknown in the request's area is 404 and someone else's is 403 (see customer-routes.ts).
 */

export type EsmartGateway = Omit<EsmartDemoGateway, "area" | "customerId">;
export type EsmartDevice = Omit<EsmartDemoDevice, "area">;

export function gatewayWire({ area: _area, customerId: _owner, ...wire }: EsmartDemoGateway): EsmartGateway {
  return wire;
}

export function deviceWire({ area: _area, ...wire }: EsmartDemoDevice): EsmartDevice {
  return wire;
}

function ownGateway(
  ctx: EsmartRequestContext,
  res: ServerResponse,
  gateway: EsmartDemoGateway | undefined,
  notFound: string,
): EsmartDemoGateway | undefined {
  if (gateway === undefined) {
    sendEsmartError(res, 404, notFound);
    return undefined;
  }
  if (!mayAccess(ctx.user, gateway.customerId)) {
    sendEsmartError(res, 403, "The authenticated user does not have access to this gateway.");
    return undefined;
  }
  return gateway;
}

function gatewaysInArea(ctx: EsmartRequestContext): EsmartDemoGateway[] {
  return ctx.data.gateways.filter((g) => g.area === ctx.area);
}

/** GET api/gateways/serialnumber/{serialNumber} */
export function gatewayBySerialNumber(ctx: EsmartRequestContext, res: ServerResponse, serialNumber: string): void {
  const found = gatewaysInArea(ctx).find((g) => sameId(g.SerialNumber, serialNumber));
  const gateway = ownGateway(ctx, res, found, `No gateway was found with serial number '${serialNumber}'.`);
  if (gateway !== undefined) sendJson(res, 200, gatewayWire(gateway));
}

/** GET api/gateways/externalId/{externalId}/devices: the gateway's devices, `[]` when it has none. */
export function devicesByGatewayExternalId(ctx: EsmartRequestContext, res: ServerResponse, externalId: string): void {
  const found = gatewaysInArea(ctx).find((g) => sameId(g.ExternalId, externalId));
  const gateway = ownGateway(ctx, res, found, `No gateway was found with external id '${externalId}'.`);
  if (gateway === undefined) return;
  const devices = ctx.data.devices.filter((d) => d.area === ctx.area && sameId(d.GatewaySerialNumber, gateway.SerialNumber));
  sendJson(res, 200, devices.map(deviceWire));
}

/** GET api/devices/serialnumber/{serialNumber} */
export function deviceBySerialNumber(ctx: EsmartRequestContext, res: ServerResponse, serialNumber: string): void {
  const notFound = `No device was found with serial number '${serialNumber}'.`;
  const device = ctx.data.devices.find((d) => d.area === ctx.area && sameId(d.SerialNumber, serialNumber));
  if (device === undefined) return sendEsmartError(res, 404, notFound);
  // A device whose gateway record is gone (a test may remove one) is nobody's, so nobody may see it.
  const gateway = gatewaysInArea(ctx).find((g) => sameId(g.SerialNumber, device.GatewaySerialNumber));
  if (gateway === undefined || !mayAccess(ctx.user, gateway.customerId)) {
    return sendEsmartError(res, 403, "The authenticated user does not have access to this device.");
  }
  sendJson(res, 200, deviceWire(device));
}

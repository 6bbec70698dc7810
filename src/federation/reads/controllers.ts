import { LOCAL_SOURCE_ID, type ControllerInfo } from "../../domain/model.js";
import { settle, type ReadDeps, type ReportPartial } from "./read-deps.js";

/** A controller as the gateway shows it: what the local registry says, completed by the vendors on demand. */
export interface ControllerView {
  nodeId: string;
  name: string | null;
  serialNumber: string | null;
  customerId: string | null;
}

/**
 * A controller known to the local registry or to any vendor; null when nobody knows it, or when the principal
 * may not see its owner. Only a registered controller has an owner, so only an admin asks the vendors.
 */
export async function byNodeId(deps: ReadDeps, nodeId: string, report: ReportPartial): Promise<ControllerView | null> {
  const registered = await deps.loaders.registeredControllers.load(nodeId);
  if (registered) {
    const view = { nodeId, name: registered.name, serialNumber: registered.serialNumber, customerId: registered.customerId };
    return deps.access.seesController(view) ? view : null;
  }
  if (!deps.access.seesController({ customerId: null })) return null;
  const found = (await atVendors(deps, nodeId, report))[0];
  return found ? { nodeId, name: found.name, serialNumber: found.serialNumber, customerId: null } : null;
}

/** Vendor descriptions of a controller (one batched device query per source and request). */
export async function atVendors(deps: ReadDeps, nodeId: string, report: ReportPartial): Promise<ControllerInfo[]> {
  const keys = deps.sources
    .all()
    .filter((s) => s.controllers && s.id !== LOCAL_SOURCE_ID)
    .map((s) => ({ source: s.id, id: nodeId }));
  const found = await settle(
    keys.map((k) => deps.loaders.sourceControllers.load(k)),
    report,
  );
  return found.filter((c) => c !== null);
}

/** The controllers registered to a customer the principal sees. */
export async function ofCustomer(deps: ReadDeps, customerId: string): Promise<ControllerView[]> {
  if (!deps.access.seesCustomer(customerId)) return [];
  return (await deps.loaders.controllersOfCustomer.load(customerId)).map((r) => ({
    nodeId: r.nodeId,
    name: r.name,
    serialNumber: r.serialNumber,
    customerId: r.customerId,
  }));
}

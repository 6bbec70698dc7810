import { parseLicenseId } from "../../federation/model.js";

/**
 * Global ids (Relay's `Node.id`) without changing any id clients already hold. Each type's `id` keeps its value;
 * `node(id:)` tells them apart by form, in this order:
 *
 * - `Controller:<nodeId>`: a Controller. Node ids are free-form and could equal a customer's id, so Controller gets
 *   a new `id` field with a type prefix. The prefix is capitalised because source ids are lowercase only
 *   (src/config/schema.ts), so it can never be read as a license id.
 * - `<source>:<externalId>` with a configured source: a License (its existing, already unique id).
 * - anything else: a Customer, by the gateway's id (the store's ids, e.g. uuids or `demo-customer-1`).
 *
 * A customer whose id happens to have one of the forms above is read as that form first; the store's own ids
 * (uuids) never do. Datalink is not a Node: its id carries the vendor's link id ("sofar:dl:<uuid>") and no vendor
 * can look a link up by it, so `node(id:)` could not honour the spec's promise to refetch it.
 */
export type NodeRef =
  | { type: "Controller"; nodeId: string }
  | { type: "License"; id: string }
  | { type: "Customer"; id: string };

const CONTROLLER_PREFIX = "Controller:";

export function controllerGlobalId(nodeId: string): string {
  return `${CONTROLLER_PREFIX}${nodeId}`;
}

/** Which read answers `id`; `isSource` says whether a prefix is a configured source. */
export function parseNodeId(id: string, isSource: (sourceId: string) => boolean): NodeRef {
  if (id.startsWith(CONTROLLER_PREFIX) && id.length > CONTROLLER_PREFIX.length) {
    return { type: "Controller", nodeId: id.slice(CONTROLLER_PREFIX.length) };
  }
  const license = parseLicenseId(id);
  if (license && isSource(license.source)) return { type: "License", id };
  return { type: "Customer", id };
}

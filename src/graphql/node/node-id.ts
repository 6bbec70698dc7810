import { parseLicenseId } from "../../domain/model.js";

/**
 * Global ids (Relay's `Node.id`), unique by construction without changing any id clients already hold. Relay keys
 * its store by `id` alone, whatever the type, so every `id` in the schema must differ from every other; each
 * type's id has a form the others cannot have:
 *
 * | type            | id                                   | why no other id can equal it                          |
 * | --------------- | ------------------------------------ | ----------------------------------------------------- |
 * | License         | `<source>:<externalId>`              | a configured source (lowercase) before the first ':'  |
 * | Datalink        | `<source>:dl:<vendor id or pair>`    | no vendor's license id starts "dl:" (uuids, Cryptolens keys in capitals, Customerarea numbers) |
 * | Controller      | `Controller:<nodeId>`                | capital C: source ids are lowercase (src/config/schema.ts) |
 * | TrustedDocument | `sha256:<64 hex>`                    | contains ':', so never a customer's                   |
 * | Source          | its configured id, or `local`        | no ':'; customer ids may not take it                  |
 * | ApiKey          | 16 lowercase hex digits              | no ':'; customer ids may not have that form           |
 * | Customer        | anything else: never a ':', never a source id, never 16 hex digits (src/domain/customer-id.ts) |
 *
 * `node(id:)` tells the three Node types apart by form, in this order: `Controller:<nodeId>`, then
 * `<source>:<externalId>` with a configured source, then a Customer. A customer stored before the rule may have
 * an id with ':'. Such a customer is still a Customer to `node(id:)` when its id has neither of the two forms
 * above (e.g. "crm:42" where no source is called "crm"), and `customer(id:)` reads it whatever its id; one whose
 * id has a License or Controller form is that form to `node(id:)` (null when no such license or controller
 * exists), since reading it as a customer would make the answer depend on what exists.
 *
 * Datalink is not a Node: its id carries the vendor's link id and no vendor can look a link up by it, so
 * `node(id:)` could not honour the spec's promise to refetch it.
 */
export type NodeRef = { type: "Controller"; nodeId: string } | { type: "License"; id: string } | { type: "Customer"; id: string };

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

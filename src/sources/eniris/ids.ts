import { GatewayError } from "../../errors/gateway-error.js";

/**
 * What Eniris ids look like, checked before a value goes into a vendor path or body. A value the vendor could not
 * take is refused at the adapter's boundary with BAD_USER_INPUT naming the client's argument, before any call;
 * the message states the rule, never the value or the path it would have gone into.
 */

/** docs/vendors/eniris.md: a customer is a company uuid (`/v1/license/customer/{customerId}` (uuid)). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Inferred: the contract gives a node id only as "string, minLength 1" (docs/vendors/eniris-license.openapi.yaml,
 * `/v1/license/controller/{nodeId}`), and sends it as one path segment. A server that decodes the path before
 * routing reads "%2F" as "/" and "%5C" as "\\", and URL resolution drops "." and "..", so none of those can be a
 * node id one can ask for, whatever the encoding; nor can control characters.
 * The length bound is the gateway's: the contract sets none, and a longer segment is not a controller's id.
 */
const MAX_NODE_ID_LENGTH = 200;
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL = /[\u0000-\u001f\u007f]/;

export function customerIdProblem(customerId: string): string | null {
  return UUID.test(customerId) ? null : "an Eniris customer id is a UUID";
}

/** Why `nodeId` cannot be an Eniris node id, or null. */
export function nodeIdProblem(nodeId: string): string | null {
  if (nodeId.length === 0) return "an Eniris node id must not be empty";
  if (nodeId.length > MAX_NODE_ID_LENGTH) return `an Eniris node id has at most ${MAX_NODE_ID_LENGTH} characters`;
  if (/[/\\]/.test(nodeId)) return 'an Eniris node id cannot contain "/" or "\\"';
  if (nodeId === "." || nodeId === "..") return 'an Eniris node id cannot be "." or ".."';
  if (CONTROL.test(nodeId)) return "an Eniris node id cannot contain control characters";
  return null;
}

/**
 * The refusal of a node id, on `field`: ["nodeId"] for reads (the argument of `controller(nodeId:)`, which every
 * read of a controller's licenses starts from), ["input", "nodeId"] for mutations.
 */
export function checkNodeId(source: string, nodeId: string, field: string[]): void {
  const problem = nodeIdProblem(nodeId);
  if (problem !== null) throw new GatewayError("BAD_USER_INPUT", problem, { source, field });
}

export function checkCustomerId(source: string, customerId: string): void {
  const problem = customerIdProblem(customerId);
  if (problem !== null) throw new GatewayError("BAD_USER_INPUT", problem, { source });
}

/**
 * What a new customer id may be. A Customer's id is a Node id, and Relay keys its whole store by `id` alone
 * (whatever the type), so a customer id must never equal another object's id. The other ids all have a form a
 * customer id is kept out of (src/graphql/node/node-id.ts lists them):
 *
 * - License "<source>:<externalId>", Datalink "<source>:dl:…", Controller "Controller:<nodeId>" and
 *   TrustedDocument "sha256:<hex>" all contain ':', so a customer id never does;
 * - a Source's id is its configured id or "local", so a customer id is never one of those;
 * - an ApiKey's id is 16 lowercase hex digits, so a customer id never is.
 *
 * Generated ids (uuids) fit all three. Only new ids are checked: a customer stored before the rule keeps its id
 * and can still be updated (see src/graphql/node/node-id.ts for how `node(id)` reads such an id).
 */
import { LOCAL_SOURCE_ID } from "./model.js";

const ALWAYS_RESERVED = [LOCAL_SOURCE_ID];
const API_KEY_ID = /^[0-9a-f]{16}$/;

/** Why `id` cannot be a new customer's id, or null when it can. `sourceIds`: the configured sources. */
export function customerIdProblem(id: string, sourceIds: readonly string[] = []): string | null {
  if (id.includes(":")) return `a customer id must not contain ':' (license, datalink and controller ids do), got "${id}"`;
  if (ALWAYS_RESERVED.includes(id) || sourceIds.includes(id))
    return `"${id}" is a source's id; a customer id must differ from every source id`;
  if (API_KEY_ID.test(id)) return `"${id}" has the form of an API key's id (16 hex digits); choose another customer id`;
  return null;
}

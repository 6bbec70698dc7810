import { createHash } from "node:crypto";

/**
 * A trusted document's id is the SHA-256 of its exact text (UTF-8), in lower-case hex: what Apollo's persisted-query
 * manifests, Apollo Client's persisted-query link and GraphQL Code Generator's persisted documents all use. Clients
 * may send it bare or with the `sha256:` prefix of the GraphQL-over-HTTP persisted-documents proposal.
 */
const ID = /^(?:sha256:)?([0-9a-f]{64})$/;

export function documentHash(body: string): string {
  return createHash("sha256").update(body, "utf8").digest("hex");
}

/** The hash an id names, or null when it is not a SHA-256 id. */
export function hashOfDocumentId(id: string): string | null {
  return ID.exec(id)?.[1] ?? null;
}

/** How the API shows an id: always prefixed, so the hash function is never a guess. */
export const documentIdOf = (hash: string): string => `sha256:${hash}`;

/** One operation of a manifest file: its id as the file gives it (checked against the body later), and its text. */
export interface ManifestEntry {
  id: string | null;
  body: string;
}

const APOLLO_FORMAT = "apollo-persisted-query-manifest";

/**
 * Reads the manifest formats client toolchains write, so a partner publishes what its build already produced:
 * - Apollo's persisted-query manifest (`@apollo/generate-persisted-query-manifest`):
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "body", "name", "type" }] }`;
 * - GraphQL Code Generator's client preset (`persistedDocuments: true`): `{ "<sha256>": "<document>", ... }`;
 * - a plain JSON array of documents, for lists written by hand: `["query A { ... }", ...]`.
 * Throws an Error saying what is wrong; ids are only read here, the publisher checks them against the bodies.
 */
export function readManifest(json: unknown): ManifestEntry[] {
  if (Array.isArray(json)) {
    return json.map((body, i) => {
      if (typeof body !== "string") throw new Error(`entry ${i} is not a string; a manifest array holds document texts`);
      return { id: null, body };
    });
  }
  if (json === null || typeof json !== "object") throw new Error("a manifest is a JSON object or array");
  const record = json as Record<string, unknown>;
  if ("format" in record) {
    if (record.format !== APOLLO_FORMAT || record.version !== 1) {
      throw new Error(
        `unknown manifest format ${JSON.stringify(record.format)} version ${JSON.stringify(record.version)}; expected "${APOLLO_FORMAT}" version 1`,
      );
    }
    if (!Array.isArray(record.operations)) throw new Error("an Apollo manifest needs an operations array");
    return record.operations.map((operation: unknown, i) => {
      const { id, body } = (operation ?? {}) as { id?: unknown; body?: unknown };
      if (typeof id !== "string" || typeof body !== "string") throw new Error(`operations[${i}] needs a string id and body`);
      return { id, body };
    });
  }
  return Object.entries(record).map(([id, body]) => {
    if (typeof body !== "string") throw new Error(`the value under ${JSON.stringify(id)} is not a document text`);
    return { id, body };
  });
}

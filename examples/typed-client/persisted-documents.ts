/**
 * Trusted documents for the typed client: the manifest of its operations (what the gateway's operator publishes for
 * the client's API key), and the ids the client sends instead of the texts.
 *
 * An id is the SHA-256 of the exact text the client would send, so the text is made in one place (`documentText`,
 * used by client.ts too) and the manifest is built from the generated documents themselves: what is published is
 * what is sent, byte for byte. The manifest has GraphQL Code Generator's client-preset format,
 * `{ "<sha256>": "<document>" }`, which `license-gateway documents publish` reads.
 */
import { print, type DocumentNode } from "graphql";

// Each generated document is one constant, so its text is printed once, not on every request.
const texts = new WeakMap<DocumentNode, string>();

/** The text sent for a document (and hashed for its id). */
export function documentText(document: DocumentNode): string {
  let text = texts.get(document);
  if (text === undefined) texts.set(document, (text = print(document)));
  return text;
}

const ids = new WeakMap<DocumentNode, Promise<string>>();

/** "sha256:<hex>" of the document's text, with Web Crypto (browsers and Node alike). */
export function documentId(document: DocumentNode): Promise<string> {
  let id = ids.get(document);
  if (id === undefined) {
    id = crypto.subtle.digest("SHA-256", new TextEncoder().encode(documentText(document))).then((digest) => `sha256:${hex(digest)}`);
    ids.set(document, id);
  }
  return id;
}

/** The manifest of every operation among `exports` (a generated module's exports; fragments alone are left out). */
export async function manifestOf(exports: Record<string, unknown>): Promise<Record<string, string>> {
  const operations = Object.entries(exports)
    .filter(([name, value]) => name.endsWith("Document") && isOperationDocument(value))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, value]) => value as DocumentNode);
  const entries = await Promise.all(
    operations.map(async (document) => [(await documentId(document)).slice("sha256:".length), documentText(document)] as const),
  );
  return Object.fromEntries(entries);
}

function isOperationDocument(value: unknown): boolean {
  const definitions = (value as Partial<DocumentNode> | null)?.definitions;
  return Array.isArray(definitions) && definitions.some((d: { kind?: string }) => d.kind === "OperationDefinition");
}

function hex(digest: ArrayBuffer): string {
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

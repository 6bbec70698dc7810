import { readFile } from "node:fs/promises";
import type { GatewayConfig } from "../config/schema.js";
import { TrustedDocumentAdmin } from "../documents/document-admin.js";
import { documentChecker } from "../documents/document-check.js";
import { readManifest } from "../documents/manifest.js";
import { AuditedWriter } from "../federation/mutations/audited.js";
import { buildGatewaySchema } from "../graphql/schema.js";
import { openStore, type Store } from "../store/store.js";
import { EXIT, refused, type CliOutput } from "./output.js";

export const DOCUMENTS_USAGE = `  documents publish KEY_ID MANIFEST [--replace] [--lock]
        publishes the operations in MANIFEST (Apollo's persisted-query manifest, GraphQL Code Generator's
        persisted-documents.json, or a JSON array of documents) as the key's trusted documents, each checked
        against the schema and the limits; one bad document publishes nothing. --replace makes the key's list
        exactly these, --lock also locks the key to them
  documents list KEY_ID
        the key's trusted documents: id, operation type and name, when published
  documents lock KEY_ID | documents unlock KEY_ID
        a locked key runs only its trusted documents (QUERY_NOT_IN_SAFELIST for anything else)`;

export interface DocumentsArguments {
  command: string | undefined;
  rest: string[];
  replace?: boolean | undefined;
  lock?: boolean | undefined;
}

/** What is wrong with a documents command line, or null; checked before the config is read and the store opened. */
export function documentsUsageProblem(args: DocumentsArguments): string | null {
  const arity: Record<string, number> = { publish: 2, list: 1, lock: 1, unlock: 1 };
  const expected = arity[args.command ?? ""];
  if (expected === undefined) return "documents takes publish, list, lock or unlock";
  if (args.rest.length !== expected)
    return `documents ${args.command} takes ${expected === 2 ? "a key id and a manifest file" : "one key id"}`;
  if (args.command !== "publish" && (args.replace || args.lock)) return "--replace and --lock go with documents publish";
  return null;
}

/** Runs a documents command on the config's store, audited as principal `cli`, through the service the mutations use. */
export async function runDocuments(args: DocumentsArguments, config: GatewayConfig, io: CliOutput): Promise<number> {
  const [keyId, file] = args.rest as [string, string | undefined];
  // Read before the store is opened: a missing or malformed file is the operator's to fix, and costs no store start.
  const entries = file === undefined ? [] : await manifestEntries(file, io);
  if (entries === null) return EXIT.failed;
  let store: Store | undefined;
  try {
    store = await openStore(config.store.url, config.store.schema === undefined ? {} : { schema: config.store.schema });
    const check = documentChecker(await buildGatewaySchema(), config.server.limits);
    const admin = new TrustedDocumentAdmin(new AuditedWriter(store, "cli"), { requireAdmin: () => {} }, check);
    if (args.command === "list") {
      const documents = await admin.list(keyId);
      for (const d of documents)
        io.out(
          `${d.id}  ${d.operationType.padEnd(8)}  ${(d.operationName ?? "(anonymous)").padEnd(30)}  ${d.createdAt.toISOString().replace(/\.\d+Z$/, "Z")}`,
        );
      io.err(`${documents.length} trusted document${documents.length === 1 ? "" : "s"} for API key ${keyId}`);
      return EXIT.ok;
    }
    if (args.command === "publish") {
      const result = await admin.publish({
        apiKeyId: keyId,
        documents: entries,
        replace: args.replace ?? false,
        ...(args.lock ? { lock: true } : {}),
      });
      if (result.errors.length > 0) return refused(result.errors, io);
      const key = result.apiKey!;
      io.err(
        `published ${entries.length} documents for API key ${key.id}: ${result.added} added, ${result.removed} removed; the key is ${key.documentsLocked ? "locked to them" : "not locked"}`,
      );
      return EXIT.ok;
    }
    const result = await admin.setLocked({ apiKeyId: keyId, locked: args.command === "lock" });
    if (result.errors.length > 0) return refused(result.errors, io);
    io.err(`API key ${keyId} is ${result.apiKey!.documentsLocked ? "locked to its trusted documents" : "unlocked"}`);
    return EXIT.ok;
  } finally {
    await store?.close();
  }
}

async function manifestEntries(file: string, io: CliOutput) {
  try {
    return readManifest(JSON.parse(await readFile(file, "utf8")));
  } catch (error) {
    io.err(`license-gateway: cannot read the manifest ${file}: ${(error as Error).message}`);
    return null;
  }
}

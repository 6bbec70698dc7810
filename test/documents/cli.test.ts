import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../../src/auth/api-keys.js";
import { main } from "../../src/cli.js";
import { openStore } from "../../src/store/store.js";

/**
 * `license-gateway documents` in process (the spawned binary is covered by the keys CLI test): publishing a client
 * build's manifest, listing, locking; on the embedded store in a directory of its own.
 */
let dir: string;
let config: string;
let storeUrl: string;
let keyId: string;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const SOURCES = "query Sources { sources { id } }";
const CUSTOMER = "query Customer($id: ID!) { customer(id: $id) { name } }";

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...argv, "--config", config], {}, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lg-documents-"));
  storeUrl = `sqlite://${join(dir, "store.db")}`;
  config = join(dir, "gateway.yaml");
  await writeFile(config, `store: { url: "${storeUrl}" }\nauth: { mode: on }\n`);
  const store = await openStore(storeUrl);
  const key = generateApiKey();
  await store.apiKeys.insert({ id: key.id, name: "partner app", role: "admin", customerId: null, keyHash: key.hash, grants: [] });
  keyId = key.id;
  await store.close();
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("license-gateway documents", () => {
  it("publishes an Apollo manifest and locks the key, lists the documents, unlocks; audited as cli", { timeout: 60_000 }, async () => {
    const manifest = join(dir, "persisted-query-manifest.json");
    await writeFile(
      manifest,
      JSON.stringify({
        format: "apollo-persisted-query-manifest",
        version: 1,
        operations: [
          { id: sha256(SOURCES), name: "Sources", type: "query", body: SOURCES },
          { id: sha256(CUSTOMER), name: "Customer", type: "query", body: CUSTOMER },
        ],
      }),
    );
    const published = await run("documents", "publish", keyId, manifest, "--lock");
    expect(published).toEqual({
      code: 0,
      out: [],
      err: [`published 2 documents for API key ${keyId}: 2 added, 0 removed; the key is locked to them`],
    });

    const listed = await run("documents", "list", keyId);
    expect(listed.code).toBe(0);
    expect(listed.out.map((l) => l.split(/\s{2,}/).slice(0, 3))).toEqual([
      [`sha256:${sha256(CUSTOMER)}`, "query", "Customer"],
      [`sha256:${sha256(SOURCES)}`, "query", "Sources"],
    ]);
    expect(listed.err).toEqual([`2 trusted documents for API key ${keyId}`]);

    expect(await run("documents", "unlock", keyId)).toEqual({ code: 0, out: [], err: [`API key ${keyId} is unlocked`] });

    const store = await openStore(storeUrl);
    try {
      expect((await store.apiKeys.get(keyId))!.documentsLocked).toBe(false);
      const entries = await store.audit.recent(5);
      expect(entries.map((e) => [e.operation, e.principal, e.outcome])).toEqual([
        ["setApiKeyLocked", "cli", "ok"],
        ["publishTrustedDocuments", "cli", "ok"],
      ]);
    } finally {
      await store.close();
    }
  });

  it("publishes nothing from a manifest with a bad document, and says which", { timeout: 60_000 }, async () => {
    const manifest = join(dir, "persisted-documents.json");
    // GraphQL Code Generator's form: hash to text; the second text was edited after hashing.
    await writeFile(
      manifest,
      JSON.stringify({
        [sha256("query A { sources { id } }")]: "query A { sources { id } }",
        [sha256("query B { sources { id } }")]: "query B { sources { kind } }",
      }),
    );
    const refused = await run("documents", "publish", keyId, manifest);
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([
      expect.stringMatching(/^license-gateway: BAD_USER_INPUT \(input\.documents\.1\.id\): the id is not the SHA-256 of this body/),
    ]);
    const listed = await run("documents", "list", keyId);
    expect(listed.out).toHaveLength(2);
  });

  it("explains usage, and a manifest it cannot read, before opening the store", async () => {
    expect(await run("documents", "publish", keyId)).toMatchObject({
      code: 2,
      err: [expect.stringContaining("documents publish takes a key id and a manifest file")],
    });
    expect(await run("documents", "list", keyId, "--lock")).toMatchObject({
      code: 2,
      err: [expect.stringContaining("--replace and --lock go with documents publish")],
    });
    expect(await run("documents", "shred", keyId)).toMatchObject({
      code: 2,
      err: [expect.stringContaining("documents takes publish, list, lock or unlock")],
    });
    const missing = await run("documents", "publish", keyId, join(dir, "absent.json"));
    expect(missing).toMatchObject({ code: 1, err: [expect.stringContaining(`cannot read the manifest ${join(dir, "absent.json")}`)] });
  });
});

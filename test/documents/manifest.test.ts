import { describe, expect, it } from "vitest";
import { documentHash, documentIdOf, hashOfDocumentId } from "../../src/documents/document-id.js";
import { readManifest } from "../../src/documents/manifest.js";

const QUERY = "query Sources { sources { id } }";

describe("readManifest", () => {
  it("reads Apollo's persisted-query manifest", () => {
    const manifest = {
      format: "apollo-persisted-query-manifest",
      version: 1,
      operations: [{ id: documentHash(QUERY), name: "Sources", type: "query", body: QUERY }],
    };
    expect(readManifest(manifest)).toEqual([{ id: documentHash(QUERY), body: QUERY }]);
  });

  it("reads GraphQL Code Generator's persisted documents (hash to text)", () => {
    expect(readManifest({ [documentHash(QUERY)]: QUERY, other: "query B { sources { kind } }" })).toEqual([
      { id: documentHash(QUERY), body: QUERY },
      { id: "other", body: "query B { sources { kind } }" },
    ]);
  });

  it("reads a plain array of texts", () => {
    expect(readManifest([QUERY])).toEqual([{ id: null, body: QUERY }]);
  });

  it("says what is wrong with anything else", () => {
    expect(() => readManifest("query")).toThrow("a manifest is a JSON object or array");
    expect(() => readManifest([1])).toThrow("entry 0 is not a string");
    expect(() => readManifest({ format: "apollo-persisted-query-manifest", version: 2, operations: [] })).toThrow(
      'expected "apollo-persisted-query-manifest" version 1',
    );
    expect(() => readManifest({ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id: "x" }] })).toThrow(
      "operations[0] needs a string id and body",
    );
    expect(() => readManifest({ abc: { body: QUERY } })).toThrow('the value under "abc" is not a document text');
  });
});

describe("document ids", () => {
  it("are the SHA-256 of the exact text, accepted bare or prefixed sha256:", () => {
    const hash = documentHash(QUERY);
    // As `printf %s "query Sources { sources { id } }" | sha256sum` prints it.
    expect(hash).toBe("94d48dcacbd5cbc1a62c34e15c5ba1b7f335213a1b8bada9a30dc6cf5ff2a92e");
    expect(documentHash(`${QUERY} `)).not.toBe(hash);
    expect(hashOfDocumentId(hash)).toBe(hash);
    expect(hashOfDocumentId(documentIdOf(hash))).toBe(hash);
    expect(hashOfDocumentId(hash.toUpperCase())).toBeNull();
    expect(hashOfDocumentId(`md5:${hash}`)).toBeNull();
    expect(hashOfDocumentId(hash.slice(1))).toBeNull();
  });
});

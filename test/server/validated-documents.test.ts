import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { ValidatedDocuments } from "../../src/server/graphql-over-http/validated-documents.js";

describe("the validated documents kept by their text", () => {
  const doc = (n: number) => `{ a${n}: __typename }`;

  it("keeps at most maxEntries, the least recently used out first", () => {
    const documents = new ValidatedDocuments(2, 1_000);
    documents.set(doc(1), parse(doc(1)));
    documents.set(doc(2), parse(doc(2)));
    expect(documents.get(doc(1))).toBeDefined();
    documents.set(doc(3), parse(doc(3)));
    expect([documents.get(doc(1)) !== undefined, documents.get(doc(2)) !== undefined, documents.get(doc(3)) !== undefined]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it("keeps at most maxCharacters of text, and never one document longer than that", () => {
    const documents = new ValidatedDocuments(100, 2 * doc(1).length);
    for (const n of [1, 2, 3]) documents.set(doc(n), parse(doc(n)));
    expect(documents.size).toBe(2);
    expect(documents.get(doc(1))).toBeUndefined();
    const long = `{ ${"__typename ".repeat(10)}}`;
    documents.set(long, parse(long));
    expect(documents.get(long)).toBeUndefined();
    expect(documents.size).toBe(2);
  });
});

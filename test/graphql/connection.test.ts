import { describe, expect, it } from "vitest";
import { keyedConnection } from "../../src/graphql/common/connection.js";

/**
 * Cursors are public: clients keep them between requests. They are encoded only when asked for, and a page is
 * sorted on keys made once (src/graphql/common/connection.ts); the strings and the pages stay what they were.
 */

interface Item {
  source: string;
  externalId: string;
}
const keyOf = (item: Item) => `${item.source}:${item.externalId}`;
const connection = keyedConnection<Item>("License", keyOf);
const items: Item[] = ["c", "a", "é", "b", "e", "d"].map((id) => ({ source: "sofar", externalId: id }));
/** What a cursor always was: base64url of the JSON position, `["License", id]`. */
const cursor = (id: string) => Buffer.from(JSON.stringify(["License", `sofar:${id}`])).toString("base64url");

describe("a keyed connection's page", () => {
  it("has the cursors it always had, on edges and in pageInfo, a non-ASCII key's too", () => {
    const page = connection.page(items, connection.check({ first: 3, after: cursor("a") }));
    expect(page.edges.map((e) => e.cursor)).toEqual([cursor("b"), cursor("c"), cursor("d")]);
    expect(page.pageInfo).toEqual({ hasPreviousPage: true, hasNextPage: true, startCursor: cursor("b"), endCursor: cursor("d") });
    expect(connection.page(items, connection.check({ last: 1 })).edges.map((e) => e.cursor)).toEqual([cursor("é")]);
    expect(connection.cursorOf(items[2]!)).toBe(cursor("é"));
  });

  it("is sorted by key in code-unit order whatever order the items came in, and counts them all", () => {
    const page = connection.page([...items].reverse(), connection.check({}));
    expect(page.edges.map((e) => e.node.externalId)).toEqual(["a", "b", "c", "d", "e", "é"]);
    expect(page.totalCount).toBe(6);
  });

  it("of nothing has no cursors", () => {
    const page = connection.page(items, connection.check({ first: 0 }));
    expect(page.edges).toEqual([]);
    expect(page.pageInfo).toEqual({ hasPreviousPage: false, hasNextPage: true, startCursor: null, endCursor: null });
  });
});

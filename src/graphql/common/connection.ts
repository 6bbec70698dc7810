import { badInput } from "../../errors/gateway-error.js";
import { holdsForbiddenCharacters } from "../../federation/validate.js";

/**
 * The generic half of a Relay cursor connection (https://relay.dev/graphql/connections.htm): checking the four
 * paging arguments, cursors, and the page of an already sorted list. What a connection is ordered by, and so what
 * its cursor holds, is the caller's: a cursor is the position of an item in that order, never an offset, so it
 * stays valid when items before it are added or removed, and when its own item goes away.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Longer than any cursor the gateway hands out (a customer's is its name and id, 200 characters each at most). */
const MAX_CURSOR_LENGTH = 2048;

/** The four arguments as a client sent them (GraphQL nulls and omissions alike). */
export interface PagingArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Checked paging arguments, with the cursors decoded into positions of type K. */
export interface Paging<K> {
  /** `start`: the first `size` items of the window (first/after); `end`: its last `size` items (last/before). */
  from: "start" | "end";
  size: number;
  /** The window holds the items strictly after `after` and strictly before `before`. */
  after: K | null;
  before: K | null;
}

/** A page, and whether items exist on either side of it (see PageInfo for the exact rule). */
export interface Page<T> {
  items: T[];
  hasPreviousPage: boolean;
  hasNextPage: boolean;
}

/** Opaque to clients, but plain base64url JSON so that a cursor can be read when debugging. */
export function encodeCursor(position: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

/**
 * Checks the arguments before anything is read, so a bad request costs no vendor call. `toPosition` turns a
 * decoded cursor (any JSON value) into a position, or null when it is not one of this connection's cursors.
 */
export function checkPaging<K>(args: PagingArgs, toPosition: (decoded: unknown) => K | null): Paging<K> {
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (first !== null && last !== null) {
    throw badInput(["last"], "first and last cannot be used together: page forward with first/after, or backward with last/before");
  }
  if (first !== null) checkSize("first", first);
  if (last !== null) checkSize("last", last);
  return {
    from: last !== null ? "end" : "start",
    size: last ?? first ?? DEFAULT_PAGE_SIZE,
    after: args.after == null ? null : decodeCursor("after", args.after, toPosition),
    before: args.before == null ? null : decodeCursor("before", args.before, toPosition),
  };
}

function checkSize(name: "first" | "last", size: number): void {
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE)
    throw badInput([name], `${name} must be from 0 to ${MAX_PAGE_SIZE}, got ${size}`);
}

function decodeCursor<K>(name: "after" | "before", cursor: string, toPosition: (decoded: unknown) => K | null): K {
  if (cursor.length > MAX_CURSOR_LENGTH)
    throw badInput([name], `a cursor has at most ${MAX_CURSOR_LENGTH} characters, got ${cursor.length}`);
  let position: K | null = null;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    // No item's position holds a control character: such a cursor is forged, and refused before the store sees it.
    position = holdsForbiddenCharacters(decoded) ? null : toPosition(decoded);
  } catch {
    // not base64url JSON: refused below, like a cursor of another connection
  }
  if (position === null) throw badInput([name], `invalid cursor ${JSON.stringify(cursor)}`);
  return position;
}

/**
 * The page of `sorted` (ascending by `compare` on `positionOf`, positions unique) that `paging` asks for, as the
 * specification's algorithm gives it. Both flags are exact, since the whole list is at hand: `hasPreviousPage` is
 * whether the window holds more than `last` items (backward) or any item is at or before `after` (forward), and
 * `hasNextPage` the mirror of that.
 */
export function pageOfSorted<T, K>(
  sorted: readonly T[],
  positionOf: (item: T) => K,
  compare: (a: K, b: K) => number,
  paging: Paging<K>,
): Page<T> {
  const { after, before } = paging;
  const lower = after === null ? 0 : indexWhere(sorted, (item) => compare(positionOf(item), after) > 0);
  const upper = Math.max(lower, before === null ? sorted.length : indexWhere(sorted, (item) => compare(positionOf(item), before) >= 0));
  if (paging.from === "start") {
    const end = Math.min(upper, lower + paging.size);
    return { items: sorted.slice(lower, end), hasPreviousPage: lower > 0, hasNextPage: end < upper };
  }
  const start = Math.max(lower, upper - paging.size);
  return { items: sorted.slice(start, upper), hasPreviousPage: start > lower, hasNextPage: upper < sorted.length };
}

/** The first index whose item passes, else the length (the list is sorted, so every later item passes too). */
function indexWhere<T>(items: readonly T[], passes: (item: T) => boolean): number {
  const i = items.findIndex(passes);
  return i < 0 ? items.length : i;
}

/** Plain UTF-16 code-unit order, the same on every machine and locale (unlike localeCompare). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Edges and PageInfo for a page; `cursorOf` gives each item's cursor. Cursors are encoded when a client asks for
 * them (getters), the same strings as before: most pages are read without their edges' cursors, or with
 * `endCursor` alone, and encoding (base64url of JSON) was ~0.6 µs per edge, ~30 µs on a page of 50 licenses.
 */
export function connectionOf<T>(page: Page<T>, cursorOf: (item: T) => string) {
  const { items } = page;
  return {
    edges: items.map((node) => new Edge(node, cursorOf)),
    pageInfo: {
      hasPreviousPage: page.hasPreviousPage,
      hasNextPage: page.hasNextPage,
      get startCursor(): string | null {
        return items.length > 0 ? cursorOf(items[0]!) : null;
      },
      get endCursor(): string | null {
        return items.length > 0 ? cursorOf(items[items.length - 1]!) : null;
      },
    },
  };
}

class Edge<T> {
  constructor(
    readonly node: T,
    private readonly cursorOf: (item: T) => string,
  ) {}

  get cursor(): string {
    return this.cursorOf(this.node);
  }
}

/**
 * A connection ordered by one string key per item (a license's id, a controller's node id): its cursor is
 * `[tag, key]`, so an item keeps its cursor wherever it is listed, and the tag keeps another connection's cursor
 * from being taken for one of these.
 */
export function keyedConnection<T>(tag: string, keyOf: (item: T) => string) {
  const cursorOf = (item: T): string => encodeCursor([tag, keyOf(item)]);
  return {
    cursorOf,
    /** Checks the paging arguments before anything is read (a bad cursor is BAD_USER_INPUT naming its argument). */
    check: (args: PagingArgs): Paging<string> =>
      checkPaging(args, (decoded) =>
        Array.isArray(decoded) && decoded.length === 2 && decoded[0] === tag && typeof decoded[1] === "string" ? decoded[1] : null,
      ),
    /** The page of `items` (in any order) that `paging` asks for, with `totalCount` over all of them. */
    page(items: readonly T[], paging: Paging<string>) {
      // Each key made once, not twice per comparison: sorting 50 licenses went from ~30 µs to a few.
      const sorted = items.map((item) => ({ key: keyOf(item), item })).sort((a, b) => compareCodeUnits(a.key, b.key));
      const page = pageOfSorted(sorted, (k) => k.key, compareCodeUnits, paging);
      return { ...connectionOf({ ...page, items: page.items.map((k) => k.item) }, cursorOf), totalCount: items.length };
    },
  };
}

/**
 * The runnable examples of a Markdown guide: each ```sh block, the ```json block that follows it (its documented
 * answer), the heading it sits under, and an optional directive in an HTML comment just before it, invisible on
 * GitHub, that sets the scene the example needs:
 *
 *   <!-- doc-test: sofar answers 503 -->   the vendor simulator behind source `sofar` answers that status to every
 *                                          API call while the example runs (an outage, for the partial-results example)
 */
export interface Example {
  /** 1-based line of the ```sh fence, for messages. */
  line: number;
  heading: string;
  command: string;
  /** The parsed ```json block after the command; null when there is none before the next ```sh block. */
  expected: unknown;
  fault?: { source: string; status: number };
}

const DIRECTIVE = /^<!--\s*doc-test:\s*(\S+) answers (\d{3})\s*-->$/;

export function extractExamples(markdown: string): Example[] {
  const lines = markdown.split("\n");
  const examples: Example[] = [];
  let heading = "";
  let directive: Example["fault"];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("#")) heading = line.replace(/^#+\s*/, "");
    const match = DIRECTIVE.exec(line.trim());
    if (match) directive = { source: match[1]!, status: Number(match[2]) };
    const fence = /^```(\w*)\s*$/.exec(line);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith("```"));
    if (end < 0) throw new Error(`line ${i + 1}: a code block that never ends`);
    const body = lines.slice(i + 1, end).join("\n");
    if (fence[1] === "sh") {
      examples.push({ line: i + 1, heading, command: body, expected: null, ...(directive ? { fault: directive } : {}) });
      directive = undefined;
    } else if (fence[1] === "json") {
      const last = examples.at(-1);
      if (last && last.expected === null) {
        try {
          last.expected = JSON.parse(body);
        } catch (error) {
          throw new Error(`line ${i + 1}: the \`\`\`json block is not JSON: ${(error as Error).message}`);
        }
      }
    }
    i = end;
  }
  return examples;
}

/** How a guide elides: a string ending in "…" stands for any string it begins, an array ending in "…" for more items. */
const ELLIPSIS = "…";

/**
 * Why `actual` does not contain `expected`, or null when it does: every field of an expected object is in the actual
 * one with a matching value (the actual may have more); arrays match item by item and have the same length, unless
 * the expected array ends with "…"; other values are equal.
 */
export function subsetMismatch(expected: unknown, actual: unknown, path = "$"): string | null {
  if (typeof expected === "string" && expected.endsWith(ELLIPSIS)) {
    const prefix = expected.slice(0, -ELLIPSIS.length);
    return typeof actual === "string" && actual.startsWith(prefix)
      ? null
      : `${path}: expected a string starting ${JSON.stringify(prefix)}, got ${JSON.stringify(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${JSON.stringify(actual)}`;
    const open = expected.at(-1) === ELLIPSIS;
    const items = open ? expected.slice(0, -1) : expected;
    if (open ? actual.length < items.length : actual.length !== items.length) {
      return `${path}: expected ${open ? "at least " : ""}${items.length} items, got ${actual.length}`;
    }
    for (const [i, item] of items.entries()) {
      const mismatch = subsetMismatch(item, actual[i], `${path}[${i}]`);
      if (mismatch) return mismatch;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual))
      return `${path}: expected an object, got ${JSON.stringify(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return `${path}.${key}: missing`;
      const mismatch = subsetMismatch(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (mismatch) return mismatch;
    }
    return null;
  }
  return Object.is(expected, actual) ? null : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

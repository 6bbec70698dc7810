import { readFile } from "node:fs/promises";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/errors/codes.js";
import { formatError } from "../../src/errors/format.js";

const ERRORS = new URL("../../docs/errors.md", import.meta.url);
const README = new URL("../../README.md", import.meta.url);

/** The request codes of GraphQL over HTTP that src/errors/format.ts passes through to clients. */
const REQUEST_CODES = [
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
];

/** The codes of docs/errors.md's tables: each a row of its own, code first. */
function tableCodes(page: string): Set<string> {
  return new Set([...page.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!));
}

describe("docs/errors.md", () => {
  it("has a row for every code the gateway emits, and no other", async () => {
    const documented = tableCodes(await readFile(ERRORS, "utf8"));
    expect([...documented].sort()).toEqual([...Object.keys(ERROR_CODES), ...REQUEST_CODES].sort());
  });

  it("documents request codes that the error boundary really passes through to clients", () => {
    for (const code of REQUEST_CODES) {
      const error = new GraphQLError("refused", { extensions: { code } });
      const logged: unknown[] = [];
      expect(formatError(error.toJSON(), error, (e) => logged.push(e)).extensions?.code).toBe(code);
      expect(logged).toEqual([]);
    }
  });

  it("is named in the README with every code (the schema's UserError.code points at the README's list)", async () => {
    const readme = await readFile(README, "utf8");
    expect(readme).toContain("docs/errors.md");
    for (const code of [...Object.keys(ERROR_CODES), ...REQUEST_CODES]) expect(readme).toContain(`\`${code}\``);
  });
});

import { readFileSync } from "node:fs";
import { minVersion, satisfies } from "semver";
import { describe, expect, it } from "vitest";

/** ESLint and Prettier run in CI with the type-check, on tools that run on the lowest Node the package supports (issue 15). */

const root = new URL("../../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  engines: { node: string };
  scripts: Record<string, string>;
};

describe("npm run lint", () => {
  it("runs in .ci/run after the type-check and before the tests", () => {
    const commands = readFileSync(new URL(".ci/run", root), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    const lint = commands.indexOf("npm run lint");
    expect(lint).toBeGreaterThan(commands.indexOf("npm run typecheck"));
    expect(lint).toBeLessThan(commands.indexOf("npm test"));
  });

  it("is ESLint over the tree and Prettier's check; npm run format writes what the check asks for", () => {
    expect(pkg.scripts.lint).toBe("eslint . && prettier --check .");
    expect(pkg.scripts.format).toBe("prettier --write .");
  });

  it("uses an ESLint, typescript-eslint and Prettier that support the lowest Node in engines", () => {
    const lowest = minVersion(pkg.engines.node)!.version;
    const unmet = ["eslint", "typescript-eslint", "prettier"].flatMap((name) => {
      const manifest = JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, root), "utf8")) as {
        engines?: { node?: string };
      };
      const needs = manifest.engines?.node;
      return needs !== undefined && !satisfies(lowest, needs) ? [`${name} needs node ${needs}`] : [];
    });
    expect(unmet).toEqual([]);
  });
});

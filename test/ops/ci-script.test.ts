import { readFileSync } from "node:fs";
import { minVersion, satisfies } from "semver";
import { describe, expect, it } from "vitest";

/** What CI runs and what the package promises, held to what the code needs (issue 13, item 17). */

const root = new URL("../../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};

describe(".ci/run", () => {
  it("type-checks before the tests (npm run typecheck was run by nobody)", () => {
    const commands = readFileSync(new URL(".ci/run", root), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    const typecheck = commands.indexOf("npm run typecheck");
    expect(typecheck).toBeGreaterThanOrEqual(0);
    expect(typecheck).toBeLessThan(commands.indexOf("npm test"));
    expect(pkg.scripts.typecheck).toMatch(/^tsc --noEmit/);
  });

  it("checks the layers of src/ right after the type-check, before the tests, on a dependency-cruiser that runs on the lowest Node", () => {
    const commands = readFileSync(new URL(".ci/run", root), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    const layers = commands.indexOf("npm run lint:layers");
    expect(layers).toBe(commands.indexOf("npm run typecheck") + 1);
    expect(layers).toBeLessThan(commands.indexOf("npm test"));
    expect(pkg.scripts["lint:layers"]).toMatch(/^depcruise src --config \.dependency-cruiser\.cjs$/);
    const manifest = JSON.parse(readFileSync(new URL("node_modules/dependency-cruiser/package.json", root), "utf8")) as {
      engines: { node: string };
    };
    expect(satisfies(minVersion(pkg.engines.node)!.version, manifest.engines.node)).toBe(true);
  });
});

describe("engines.node", () => {
  it("is no lower than what any production dependency needs (undici 7 needs 20.18.1; it said >=20.10)", () => {
    const lowest = minVersion(pkg.engines.node)!.version;
    const unmet = Object.keys(pkg.dependencies).flatMap((name) => {
      // Read from node_modules directly: some packages' exports do not include their package.json.
      const manifest = JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, root), "utf8")) as {
        engines?: { node?: string };
      };
      const needs = manifest.engines?.node;
      return needs !== undefined && !satisfies(lowest, needs) ? [`${name} needs node ${needs}`] : [];
    });
    expect(unmet).toEqual([]);
  });
});

import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { renderConfigurationDoc } from "../../scripts/configuration-doc.js";

const PAGE = new URL("../../docs/configuration.md", import.meta.url);

describe("docs/configuration.md", () => {
  it("is what `npm run docs:config` renders from the config schema (run it after changing src/config/schema.ts)", async () => {
    expect(await readFile(PAGE, "utf8")).toBe(renderConfigurationDoc());
  });

  it("reaches nested sections, each kind of source and the options every kind shares", async () => {
    const page = await readFile(PAGE, "utf8");
    // Spot checks that the walk reaches nested sections, the sources' shared options and their defaults.
    expect(page).toContain("| `server.limits.maxDepth` | integer, at least 1 | `12` |");
    expect(page).toContain('| `store.url` | string | `"sqlite://./data/store.db"` |');
    expect(page).toContain("| `sources.<id>.resilience.circuit.resetTimeoutMs` |");
    expect(page).toContain("### `kind: eniris`");
  });
});

import { readFileSync } from "node:fs";

/**
 * The node flags `npm start` runs the gateway with: package.json's start script without `node` and the entry (the
 * image's CMD and compose.yaml run the same command, test/ops/container.test.ts). The bench starts its gateways with
 * them, so it measures the gateway as production runs it, heap ceiling included (docs/operations.md#memory).
 */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  if (words[0] !== "node" || words.at(-1) !== "dist/main.js") {
    throw new Error(`package.json's start script is not "node <flags> dist/main.js": ${pkg.scripts.start}`);
  }
  return words.slice(1, -1);
}

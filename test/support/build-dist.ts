import { execFileSync } from "node:child_process";
import { ROOT } from "./gateway-process.js";

/**
 * Vitest's global setup: builds dist/ once per run, before any test file starts, so that the tests spawning the
 * production command (`node dist/main.js`, the bin's dist/cli.js) run the code under test, never a stale build.
 * esbuild takes well under a second. Files are replaced whole (scripts/build.mjs), so a run started meanwhile
 * by someone else in the same checkout reads a whole old or new file.
 */
export default function buildDist(): void {
  try {
    execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: "pipe", encoding: "utf8" });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`npm run build failed, so no test can run the built gateway:\n${stderr ?? ""}${stdout ?? ""}`);
  }
}

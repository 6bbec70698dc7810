#!/usr/bin/env node
// The operator CLI: `npx license-gateway check|migrate|keys ... --config gateway.yaml` (`--help` lists them).
// It runs the TypeScript source through tsx, a runtime dependency, so it works after `npm ci` with no build step.
import { tsImport } from "tsx/esm/api";

const { main } = await tsImport("../src/cli.ts", import.meta.url);
process.exitCode = await main(process.argv.slice(2), process.env);
// The command is done. Whatever a driver may still hold open (a pool still connecting to a host that never
// answered) must not keep the process alive; the unref'd timer fires only if something else would.
setTimeout(() => process.exit(), 2_000).unref();

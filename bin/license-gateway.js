#!/usr/bin/env node
// The operator CLI (`npx license-gateway keys create --role admin --name ops --config gateway.yaml`).
// It runs the TypeScript source through tsx, a runtime dependency, so it works after `npm ci` with no build step.
import { tsImport } from "tsx/esm/api";

const { main } = await tsImport("../src/cli.ts", import.meta.url);
process.exitCode = await main(process.argv.slice(2), process.env);

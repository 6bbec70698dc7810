#!/usr/bin/env node
// The operator CLI: `npx license-gateway check|migrate|keys ... --config gateway.yaml` (`--help` lists them).
// It runs the built dist/cli.js with plain node: `npm ci` builds it (the package's prepare script), `npm run build`
// rebuilds it after the sources change, and the image ships it.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  console.error("license-gateway: dist/cli.js is missing; build it with `npm run build` (`npm ci` does) in the package folder");
  process.exit(1);
}
// Stack traces name the sources (src/...), as `--enable-source-maps` does for the server.
process.setSourceMapsEnabled(true);
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2), process.env);
// The command is done. Whatever a driver may still hold open (a pool still connecting to a host that never
// answered) must not keep the process alive; the unref'd timer fires only if something else would.
setTimeout(() => process.exit(), 2_000).unref();

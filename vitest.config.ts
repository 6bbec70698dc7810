import { defineConfig } from "vitest/config";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships both index.mjs ("module") and index.js ("main"). Node and type-graphql load the
    // CommonJS build; Vite would pick the ESM one for our files, and graphql refuses to mix two copies
    // ("Cannot use GraphQLObjectType from another module or realm"). Pin every import to the one Node uses.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // The production build, once per run: the tests that spawn the gateway run what the image runs.
    globalSetup: ["test/support/build-dist.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // PGlite (WASM) and the vendor simulators start per file; two cores, so keep a modest pool.
    maxWorkers: 2,
  },
});

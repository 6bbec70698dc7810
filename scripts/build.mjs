// The production build: `npm run build` bundles what runs in production into dist/, which plain `node` runs
// (`node --enable-source-maps dist/main.js`, bin/license-gateway.js imports dist/cli.js). No TypeScript is
// transformed at run time. Plain JavaScript, so that building needs only node and esbuild, not tsx.
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SRC = join(ROOT, "src");
export const DIST = join(ROOT, "dist");

/** What runs in production: the server and the operator CLI (the package's bin imports dist/cli.js). */
const ENTRY_POINTS = { main: "src/main.ts", cli: "src/cli.ts" };

/**
 * `new URL("./file", import.meta.url)` names a file next to its source (the simulators' OpenAPI documents). In
 * the bundle import.meta.url is dist/<entry>.js, so each such URL is rewritten to the file's place under dist/
 * ("./simulators/eniris/openapi.yaml", the same path as under src/) and the file is copied there. Four
 * simulators each read their own "./openapi.yaml": without the rewrite they would all read one dist/openapi.yaml.
 */
const RELATIVE_URL = /new URL\(\s*(["'])(\.{1,2}\/[^"']*)\1\s*,\s*import\.meta\.url\s*\)/g;
/** The other use the bundle keeps as is: a require that finds packages, which resolves from dist/ just as well. */
const PACKAGE_REQUIRE = /createRequire\(\s*import\.meta\.url\s*\)/g;

function relocateAssets(assets) {
  return {
    name: "relocate-assets",
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        const contents = source.replace(RELATIVE_URL, (_, quote, path) => {
          const asset = resolve(dirname(args.path), path);
          const inDist = relative(SRC, asset);
          if (inDist.startsWith(".."))
            throw new Error(`${relative(ROOT, args.path)} reads ${path}, outside src/: the build copies only files under src/`);
          assets.add(asset);
          // Keep a trailing slash (a directory URL) and use URL separators whatever the platform.
          const target = `./${inDist.split(sep).join("/")}${path.endsWith("/") ? "/" : ""}`;
          return `new URL(${quote}${target}${quote}, import.meta.url)`;
        });
        // Any other use would point at dist/ rather than the source's folder: fail here, not at run time.
        if (contents.replace(RELATIVE_URL, "").replace(PACKAGE_REQUIRE, "").includes("import.meta.url")) {
          throw new Error(
            `${relative(ROOT, args.path)} uses import.meta.url in a way the build cannot relocate: use new URL("./file", import.meta.url)`,
          );
        }
        return { contents, loader: "ts" };
      });
    },
  };
}

/** Writes to a temporary name, then renames: a process starting from dist/ meanwhile reads a whole old or new file. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

function copyAsset(asset, outdir) {
  const target = join(outdir, relative(SRC, asset));
  if (statSync(asset).isDirectory()) cpSync(asset, target, { recursive: true });
  else writeAtomically(target, readFileSync(asset));
  return target;
}

/** Files under dist/ this build did not write (an asset or entry since removed), deleted after the new ones are in place. */
function* stale(dir, kept) {
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) yield* stale(path, kept);
    // A .tmp file is another build's write in progress (two test runs may build at once): not ours to delete.
    else if (!path.endsWith(".tmp") && ![...kept].some((k) => path === k || path.startsWith(k + sep))) yield path;
  }
}

/** Builds dist/; resolves to the files written. */
export async function build() {
  const written = await bundle(ENTRY_POINTS, DIST);
  for (const path of stale(DIST, written)) rmSync(path, { force: true });
  return [...written].map((path) => relative(ROOT, path)).sort();
}

/**
 * Bundles `entryPoints` ({ name: path from the root }) into `outdir` as the production build does, with the files
 * they read next to their sources copied beside them; resolves to the files written. Also for processes that must
 * run as production runs (`npm run bench`'s gateway), from entry points outside src/.
 */
export async function bundle(entryPoints, outdir) {
  const assets = new Set();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // node_modules stay where npm put them: native addons, WASM and JSON assets are found as usual, and
    // dist/ imports exactly the production dependencies (test/ops/container.test.ts checks).
    packages: "external",
    // type-graphql names GraphQL types after classes, and logs name errors by class: bundling may rename a
    // class that collides with another, keepNames gives it back its own name.
    keepNames: true,
    // dist/*.js.map next to each file; `node --enable-source-maps` maps stack traces to src/. No sources inside:
    // a stack trace needs positions only, and a smaller map is quicker to load.
    sourcemap: "linked",
    sourcesContent: false,
    // One file per entry, no shared chunks: import.meta.url is then dist/<entry>.js in every module, which the
    // asset paths above rely on, and a start loads one file.
    splitting: false,
    // Decorators (type-graphql's legacy ones) and class fields follow tsconfig.json, which esbuild reads.
    tsconfig: "tsconfig.json",
    logLevel: "warning",
    write: false,
    plugins: [relocateAssets(assets)],
  });
  const written = new Set();
  for (const file of result.outputFiles) {
    writeAtomically(file.path, file.contents);
    written.add(file.path);
  }
  for (const asset of assets) written.add(copyAsset(asset, outdir));
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  // `--outdir DIR name=path ...` bundles other entry points the same way (the bench's child processes).
  const at = process.argv.indexOf("--outdir");
  if (at >= 0) {
    const entries = Object.fromEntries(process.argv.slice(at + 2).map((pair) => pair.split("=")));
    const files = await bundle(entries, resolve(process.argv[at + 1]));
    console.log(`bundled ${files.size} files into ${process.argv[at + 1]} in ${Math.round(performance.now() - started)} ms`);
  } else {
    const files = await build();
    console.log(`built ${files.length} files into dist/ in ${Math.round(performance.now() - started)} ms`);
  }
}

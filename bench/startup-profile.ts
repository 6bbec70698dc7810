import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";

/**
 * Reads a `node --cpu-prof` profile of one start: self time per owner (a package under node_modules, a folder of
 * src/ found through dist/'s source map, node's own modules, V8's garbage collector and compiler) until the first
 * answer. Self time, not inclusive: across awaits a profile's stacks do not show who started the work, while
 * the frame on top always belongs to someone.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface StartProfile {
  firstAnswerMs: number;
  /** CPU time sampled until the first answer (idle excluded). */
  cpuMs: number;
  top: Array<{ owner: string; ms: number }>;
  /** The same time by part of the start: the store, the schema, Apollo, the demo's simulators, loading code, GC. */
  areas: Array<{ area: string; ms: number }>;
}

const SHOWN = 20;

/** Which part of the start an owner's time belongs to; the first rule that matches decides. */
const AREAS: Array<[area: string, owns: (owner: string) => boolean]> = [
  [
    "embedded store (PGlite: its JavaScript and WebAssembly)",
    (o) => o === "WebAssembly" || o === "@electric-sql/pglite" || /^native: (GenericJSToWasmWrapper|grow|instantiate|compile)/.test(o),
  ],
  ["embedded store (SQLite)", (o) => o === "better-sqlite3" || o === "kysely" || o === "src/store/"],
  [
    "schema (type-graphql, graphql-js)",
    (o) => ["type-graphql", "graphql", "reflect-metadata", "graphql-scalars", "src/graphql/"].includes(o),
  ],
  ["Apollo Server", (o) => o.startsWith("@apollo/")],
  [
    "demo: vendor simulators and seed (their OpenAPI documents parsed by yaml)",
    (o) => o === "yaml" || o === "src/simulators/" || o === "src/demo/",
  ],
  [
    "loading code (module loader, file reads, compiling)",
    (o) =>
      o === "node: module loader" ||
      o.startsWith("V8 and node native") ||
      /^native: (openFileHandle|internalModuleStat|read|fstat|readFileUtf8|realpath|stat|lstat)$/.test(o),
  ],
  ["V8: garbage collector", (o) => o === "V8: garbage collector"],
];

export function startProfile(profile: CpuProfile, firstAnswerMs: number, bundle: string): StartProfile {
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, "utf8")));
  const bundleUrl = new URL(`file://${bundle}`).href;
  const owners = new Map<number, string>();
  for (const node of profile.nodes) owners.set(node.id, ownerOf(node.callFrame, bundleUrl, map));

  // The profile starts as node boots, a moment after the spawn the first answer is counted from: the cut is
  // late by that moment, which only adds a little of what came right after the answer.
  const until = profile.startTime + firstAnswerMs * 1000;
  const totals = new Map<string, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at > until) break;
    // A sample stands for the time until the next one.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const owner = owners.get(profile.samples[i]!)!;
    if (owner === "(idle)") continue;
    totals.set(owner, (totals.get(owner) ?? 0) + ms);
  }
  const sorted = [...totals].map(([owner, ms]) => ({ owner, ms })).sort((a, b) => b.ms - a.ms);
  const cpuMs = sorted.reduce((sum, t) => sum + t.ms, 0);
  const rest = sorted.slice(SHOWN).reduce((sum, t) => sum + t.ms, 0);
  const areas = new Map<string, number>();
  for (const { owner, ms } of sorted) {
    const area = AREAS.find(([, owns]) => owns(owner))?.[0] ?? "everything else (the gateway's code, its other packages, node)";
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  return {
    firstAnswerMs,
    cpuMs,
    top: [...sorted.slice(0, SHOWN), ...(rest > 0 ? [{ owner: `${sorted.length - SHOWN} others`, ms: rest }] : [])],
    areas: [...areas].map(([area, ms]) => ({ area, ms })).sort((a, b) => b.ms - a.ms),
  };
}

function ownerOf(frame: ProfileNode["callFrame"], bundleUrl: string, map: SourceMap): string {
  const { functionName, url } = frame;
  if (functionName === "(idle)" || functionName === "(root)") return "(idle)";
  if (functionName === "(garbage collector)") return "V8: garbage collector";
  if (functionName === "(program)") return "V8 and node native code (compiling, bootstrapping)";
  if (url.startsWith("wasm://")) return "WebAssembly";
  if (url === "") return `native: ${functionName || "(anonymous)"}`;
  // Resolving, reading, lexing CommonJS for its exports and compiling modules: what a start pays per module.
  if (url.startsWith("node:"))
    return /^node:internal\/(modules|deps\/cjs-module-lexer)\//.test(url) ? "node: module loader" : "node: other internals";
  const pkg = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url === bundleUrl) {
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string };
    const source = entry.originalSource ?? "";
    const inSrc = source.slice(source.lastIndexOf("src/") + 4);
    if (source.includes("src/")) return `src/${inSrc.includes("/") ? `${inSrc.split("/")[0]}/` : inSrc}`;
    return "dist/main.js (unmapped)";
  }
  return url;
}

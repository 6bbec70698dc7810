import { Session } from "node:inspector/promises";
import { probeArgument, probeOperations, startProbeGateway } from "./probe-gateway.js";

/**
 * Where the bytes an operation allocates go: V8's sampling heap profiler over `--ops` operations of one scenario
 * against a cache-off gateway, with objects the garbage collector already took counted too (what drives GC and
 * the heap's size under load, issue 14), summed by function and by module. Vendors run in this process; their
 * share is reported apart. Not part of `npm run bench`:
 *
 *   npx tsx bench/alloc-profile.ts --scenario customers20 --ops 60 --concurrency 10
 */
interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

async function main(): Promise<void> {
  const { id, operations } = probeOperations("customers20");
  const ops = Number(probeArgument("ops", "60"));
  const concurrency = Number(probeArgument("concurrency", "10"));
  const { gateway, close } = await startProbeGateway({ latencyMs: 5 });
  let sent = 0;
  const run = async (count: number) => {
    const worker = async () => {
      while (sent < count) {
        const body = operations[sent++ % operations.length]!;
        const res = await fetch(gateway.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        const json = (await res.json()) as { errors?: unknown[] };
        if (json.errors) throw new Error(`errors: ${JSON.stringify(json.errors).slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await run(Math.min(ops, 20));
  sent = 0;

  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await run(ops);
  const { profile } = (await session.post("HeapProfiler.stopSampling")) as { profile: { head: ProfileNode } };
  session.disconnect();

  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = shortPath(url);
    total += node.selfSize;
    const fn = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.selfSize);
    byModule.set(file, (byModule.get(file) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(profile.head);
  const perOp = (bytes: number) => `${(bytes / ops / 1024).toFixed(1)} KiB/op`;
  console.log(`${id}: ${ops} operations at ${concurrency} clients: ${perOp(total)} sampled in all (this process, vendors included)`);
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, bytes]) => `  ${perOp(bytes).padStart(16)}  ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${name}`);
  console.log("\nby module:\n" + top(byModule, 25).join("\n"));
  console.log("\nby function:\n" + top(byFunction, 40).join("\n"));
  await close();
}

function shortPath(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const nm = path.lastIndexOf("node_modules/");
  if (nm >= 0) return path.slice(nm + "node_modules/".length);
  const src = path.indexOf("/src/");
  if (src >= 0) return path.slice(src + 1);
  return path || "(native)";
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

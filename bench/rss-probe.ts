import { probeArgument, probeOperations, startProbeGateway } from "./probe-gateway.js";

/**
 * What a cache-off gateway's memory is made of under overload: one scenario at `--concurrency` clients for
 * `--seconds`, with `server.admission.maxOperations` from `--max-ops`, sampling process.memoryUsage() every 100 ms
 * (RSS, V8 heap used and total, external and array buffers). Vendors run in this process (their share is in the
 * figures). Not part of `npm run bench`; for telling what holds memory from what only passes through it:
 *
 *   npx tsx bench/rss-probe.ts --scenario customers20 --concurrency 100 --seconds 10 --max-ops 32
 */
async function main(): Promise<void> {
  const { id, operations } = probeOperations("customers20");
  const concurrency = Number(probeArgument("concurrency", "100"));
  const seconds = Number(probeArgument("seconds", "10"));
  const maxOperations = Number(probeArgument("max-ops", "32"));
  const { gateway, close } = await startProbeGateway({ latencyMs: 20, server: { admission: { maxOperations, maxWaitMs: 300_000 } } });
  const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], m[k]);
  }, 100);
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let sent = 0;
  const worker = async () => {
    while (Date.now() < until) {
      const body = operations[sent++ % operations.length]!;
      const res = await fetch(gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(sampler);
  const mib = (n: number) => `${Math.round(n / 1048576)}`;
  console.log(
    `${id} c=${concurrency} maxOperations=${maxOperations}: ${(done / seconds).toFixed(1)} ops/s; peak MiB: rss ${mib(peak.rss)}, heapUsed ${mib(peak.heapUsed)}, heapTotal ${mib(peak.heapTotal)}, external ${mib(peak.external)}, arrayBuffers ${mib(peak.arrayBuffers)}`,
  );
  await close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

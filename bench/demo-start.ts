import type { DemoStart } from "./results.js";
import { waitForQuietMachine } from "./quiet-machine.js";
import { buildDist, measureStartup, START_VARIANTS } from "./startup.js";

/**
 * The demo's start as `npm start` runs it (the production build, `node --enable-source-maps dist/main.js`, its
 * embedded store and demo seed included), measured by bench/startup.ts: the figures issue 14's start-up and idle
 * RSS targets are about. Run first, while nothing else of the bench loads the machine. dist/ is built from the
 * sources as they are, so the figures are this checkout's.
 */
export async function measureDemoStart(runs: number, log: (line: string) => void): Promise<DemoStart> {
  const command = `node ${START_VARIANTS.built.join(" ")}`;
  try {
    buildDist();
    // After the build (itself a load), before the first start.
    const machine = await waitForQuietMachine(log);
    const [figures] = await measureStartup(["built"], runs);
    const f = figures!;
    log(
      `demo start (${command}, ${runs} starts, load average ${machine.loadAverage.toFixed(2)}): first answer after ${f.runs.map((r) => Math.round(r.firstAnswerMs)).join(", ")} ms, idle RSS ${f.runs.map((r) => Math.round(r.idleRssMb)).join(", ")} MiB`,
    );
    return {
      command,
      firstAnswerMs: f.runs.map((r) => r.firstAnswerMs),
      idleRssMb: f.runs.map((r) => r.idleRssMb),
      medianFirstAnswerMs: f.medianFirstAnswerMs,
      medianIdleRssMb: f.medianIdleRssMb,
      machine,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`demo start FAILED: ${reason}`);
    return { command, error: reason };
  }
}

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * What Linux says about one process: CPU time from /proc/<pid>/stat, memory from /proc/<pid>/status. Read from
 * outside, so the measuring costs the gateway nothing.
 */

/** Clock ticks per second of /proc's CPU times; 100 on nearly every Linux, asked once. */
const TICKS_PER_SECOND = (() => {
  try {
    const ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/** User plus system CPU time the process has used so far, in milliseconds (resolution: one clock tick, 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of the whole line, so 12 and 13 after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`cannot read CPU times from /proc/${pid}/stat: ${JSON.stringify(stat.slice(0, 200))}`);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

export interface Memory {
  /** Resident set size now, kB. */
  rssKb: number;
  /** The highest resident set size since the process started (VmHWM), kB. */
  peakRssKb: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    if (!match) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(match[1]);
  };
  return { rssKb: kb("VmRSS"), peakRssKb: kb("VmHWM") };
}

/**
 * Samples VmRSS every `everyMs` until stopped: the peak of one measurement, which VmHWM (the peak of the
 * process' whole life) cannot give once several measurements share a process.
 */
export function sampleRss(pid: number, everyMs = 100): { stop(): { peakKb: number; samplesKb: number[] } } {
  const samples: number[] = [];
  const take = (): void => {
    try {
      samples.push(memory(pid).rssKb);
    } catch {
      // The process is gone; whoever started it reports that.
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peakKb: Math.max(0, ...samples), samplesKb: samples };
    },
  };
}

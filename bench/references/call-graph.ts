import type { LoggedCall } from "../vendors-process.js";

/**
 * What one operation, run alone, asked of the vendors: how many calls, how many of them repeat an earlier one,
 * and the critical path, the longest chain of calls where each had to wait for the one before.
 */

export interface CallShape {
  calls: number;
  /** Calls that repeat an earlier (vendor, host, method, path and query, body) of the same operation. */
  duplicates: number;
  /** The deepest chain: 1 + the depth of the deepest call that ended before this one started. */
  depth: number;
  /** The upstream time on the longest chain (each call's own duration added up), ms. */
  criticalPathMs: number;
  byVendor: Record<string, number>;
}

export function callShape(calls: readonly LoggedCall[]): CallShape {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const call of calls) {
    // Query parameter order is not significant; sort so `a=1&b=2` and `b=2&a=1` are one call.
    const query = Object.entries(call.query).sort(([a], [b]) => (a < b ? -1 : 1));
    const identity = JSON.stringify([call.vendor, call.server, call.method, call.path.toLowerCase(), query, call.bodyDigest ?? ""]);
    if (seen.has(identity)) duplicates++;
    else seen.add(identity);
  }

  // A call depends on every call that had ended when it started: that is all the gateway could have waited for.
  // Ties count as "before": both times are whole milliseconds, and a dependent call starts after its cause ends.
  const ordered = [...calls].sort((a, b) => a.at - b.at);
  const depth: number[] = [];
  const chainMs: number[] = [];
  ordered.forEach((call, i) => {
    let deepest = 0;
    let longest = 0;
    for (let j = 0; j < i; j++) {
      const earlier = ordered[j]!;
      if (earlier.endedAt === undefined || earlier.endedAt > call.at) continue;
      deepest = Math.max(deepest, depth[j]!);
      longest = Math.max(longest, chainMs[j]!);
    }
    depth.push(deepest + 1);
    chainMs.push(longest + ((call.endedAt ?? call.at) - call.at));
  });

  const byVendor: Record<string, number> = {};
  for (const call of calls) byVendor[call.vendor] = (byVendor[call.vendor] ?? 0) + 1;
  return {
    calls: calls.length,
    duplicates,
    depth: Math.max(0, ...depth),
    criticalPathMs: Math.max(0, ...chainMs),
    byVendor,
  };
}

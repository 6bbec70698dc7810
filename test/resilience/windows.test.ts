import { describe, expect, it } from "vitest";
import { fullJitterMs } from "../../src/sources/resilience/backoff.js";
import { LatencyWindow } from "../../src/sources/resilience/latency-window.js";
import { RetryBudget } from "../../src/sources/resilience/retry-budget.js";
import { RollingCounter } from "../../src/sources/resilience/rolling-counter.js";

/** The small counting pieces, on a clock the test moves. */

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe("RollingCounter", () => {
  it("counts over the window and forgets what fell out of it", () => {
    const t = clock();
    const counter = new RollingCounter(1_000, 10, t.now);
    counter.add(3);
    t.advance(500);
    counter.add(2);
    expect(counter.total()).toBe(5);
    t.advance(600); // the first 3 are now 1.1 s old
    expect(counter.total()).toBe(2);
    t.advance(10_000);
    expect(counter.total()).toBe(0);
  });
});

describe("RetryBudget", () => {
  it("allows the floor of 3 on a quiet source, then ratio × recent calls", () => {
    const t = clock();
    const budget = new RetryBudget(0.1, 10_000, 3, t.now);
    budget.recordCall();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, true, false]);
    for (let i = 0; i < 50; i++) budget.recordCall(); // 51 calls: 5.1 retries allowed
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
    t.advance(11_000); // the window moved on: a fresh floor
    expect(budget.tryRetry()).toBe(true);
  });
});

describe("RetryBudget's floor", () => {
  it("renews every second, so a quiet source is never left without retries for a whole window", () => {
    const t = clock();
    const budget = new RetryBudget(0.01, 10_000, 2, t.now);
    budget.recordCall();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
    t.advance(1_100);
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
  });
});

describe("fullJitterMs", () => {
  it("is uniform between 0 and min(max, base × 2^retry)", () => {
    expect(fullJitterMs(0, 100, 2_000, () => 0.999)).toBe(99);
    expect(fullJitterMs(3, 100, 2_000, () => 0.5)).toBe(400);
    expect(fullJitterMs(10, 100, 2_000, () => 0.5)).toBe(1_000);
    expect(fullJitterMs(10, 100, 2_000, () => 0)).toBe(0);
  });
});

describe("LatencyWindow", () => {
  it("gives nearest-rank percentiles of the recent samples only", () => {
    const t = clock();
    const window = new LatencyWindow(1_000, t.now);
    expect(window.percentiles(50, 95)).toEqual([null, null]);
    window.record(5_000);
    t.advance(1_500);
    for (let ms = 1; ms <= 100; ms++) window.record(ms);
    expect(window.percentiles(50, 95)).toEqual([50, 95]);
  });

  it("keeps a bounded number of samples however many are recorded", () => {
    const window = new LatencyWindow(60_000);
    for (let i = 0; i < 100_000; i++) window.record(i % 10);
    expect(window.percentiles(100)).toEqual([9]);
  });
});

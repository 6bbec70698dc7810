import { describe, expect, it } from "vitest";
import { retryDelayMs } from "../../src/webhooks/backoff.js";

/** mulberry32: a seeded generator, so the jitter is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("retryDelayMs", () => {
  it("draws each delay below a ceiling that doubles from 10 s and stops at 1 h (full jitter)", () => {
    const random = seededRandom(7);
    const ceilings = [10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000];
    ceilings.forEach((ceiling, i) => {
      const delay = retryDelayMs(i + 1, { random, maxAttempts: 100 })!;
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ceiling);
    });
    for (let attempts = 10; attempts < 60; attempts++)
      expect(retryDelayMs(attempts, { random, maxAttempts: 100 })!).toBeLessThan(3_600_000);
  });

  it("is the random draw times the ceiling: the top of the range at random ~1, nothing at 0", () => {
    expect(retryDelayMs(3, { random: () => 0.999999 })).toBe(39_999);
    expect(retryDelayMs(3, { random: () => 0 })).toBe(0);
    expect(retryDelayMs(20, { random: () => 0.5 })).toBeNull();
    expect(retryDelayMs(7, { random: () => 0.5, capMs: 50_000 })).toBe(25_000);
  });

  it("spreads deliveries that failed together: the same seed gives the same delays, and they differ from each other", () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          retryDelayMs(4, { random: r })
      )(seededRandom(1)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          retryDelayMs(4, { random: r })
      )(seededRandom(1)),
    );
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(5);
  });

  it("is null (dead) once maxAttempts attempts have failed: 8 by default", () => {
    expect(retryDelayMs(7, { random: () => 0.5 })).not.toBeNull();
    expect(retryDelayMs(8, { random: () => 0.5 })).toBeNull();
    expect(retryDelayMs(2, { maxAttempts: 3 })).not.toBeNull();
    expect(retryDelayMs(3, { maxAttempts: 3 })).toBeNull();
    expect(retryDelayMs(1, { maxAttempts: 1 })).toBeNull();
  });

  it("keeps a finite ceiling however many attempts (no Infinity * random)", () => {
    expect(retryDelayMs(5_000, { random: () => 0.5, maxAttempts: 10_000 })).toBe(1_800_000);
  });

  it("refuses a count that is not a failed attempt", () => {
    expect(() => retryDelayMs(0)).toThrow(RangeError);
    expect(() => retryDelayMs(1.5)).toThrow(RangeError);
  });
});

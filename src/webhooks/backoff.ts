/**
 * When a failed delivery is tried again: exponential backoff with full jitter (AWS's "Exponential Backoff And
 * Jitter"): after the n-th failed attempt, a delay drawn uniformly from [0, min(cap, base * 2^(n-1))). The jitter
 * spreads the retries of many deliveries that failed together (a receiver that was down) instead of sending them
 * back at the same instant. After `maxAttempts` attempts the delivery is dead: kept in the log, never sent again.
 */
export interface BackoffOptions {
  /** The ceiling of the first retry's delay, in ms. Default 10 s. */
  baseMs?: number;
  /** The largest ceiling, in ms. Default 1 h. */
  capMs?: number;
  /** Attempts in all, the first one included, before a delivery is dead. Default 8. */
  maxAttempts?: number;
  /** A number in [0, 1): `Math.random` by default; tests pass a seeded one. */
  random?: () => number;
}

export const DEFAULT_BACKOFF = { baseMs: 10_000, capMs: 3_600_000, maxAttempts: 8 } as const;

/**
 * The delay (ms) before the next attempt, after `attempts` attempts have failed (1 after the first); null when
 * that was the last one allowed: the delivery is dead.
 */
export function retryDelayMs(attempts: number, options: BackoffOptions = {}): number | null {
  const { baseMs = DEFAULT_BACKOFF.baseMs, capMs = DEFAULT_BACKOFF.capMs, maxAttempts = DEFAULT_BACKOFF.maxAttempts } = options;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts counts failed attempts from 1, got ${attempts}`);
  if (attempts >= maxAttempts) return null;
  // 2 ** 1023 is finite and 2 ** 1024 is not: capping the exponent keeps the ceiling a number however many attempts.
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempts - 1, 1000));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

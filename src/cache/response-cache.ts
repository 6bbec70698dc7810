import { createHash } from "node:crypto";
import type { Invalidation } from "./invalidation.js";
import type { ReadTracker } from "./read-tracker.js";
import type { TaggedLru } from "./tagged-lru.js";

/** A response as written to the client, kept byte for byte. */
export interface CachedResponse {
  status: number;
  headers: Array<[string, string]>;
  /** Encoded once when stored: writing a string encodes it again on every hit, most of a hit's cost. */
  body: Buffer;
}

/** What identifies an operation's answer: who asks, and the request as sent (method, media types, body or query string). */
export interface ResponseKeyParts {
  /** The caller (a Principal, src/auth/principal.ts), as far as what it may see follows from it. */
  principal: { readonly id: string; readonly role: string; readonly customerIds: readonly string[] };
  request: readonly string[];
}

export interface ResponseCacheCounts {
  hits: number;
  misses: number;
  stored: number;
  notStored: number;
}

/**
 * Whole query responses, reused for the same principal and the same request (method, content type, Accept
 * header, body or query string: the same document, variables and extensions) until something they read
 * changes (a mutation through this gateway invalidates the tags the response recorded) or the freshness of
 * the vendor answers they used runs out. Never a mutation's, never one with an error, never one that read a
 * live field (source health).
 *
 * The principal is part of the key, so one client never receives an answer computed for another: what a
 * principal may see is decided while the operation runs (src/auth/policy.ts), and its answer is its own.
 */
export class ResponseCache {
  readonly counts: ResponseCacheCounts = { hits: 0, misses: 0, stored: 0, notStored: 0 };

  constructor(
    private readonly entries: TaggedLru<CachedResponse>,
    private readonly invalidation: Invalidation,
    /** The longest a response is reused (`cache.responses.ttlMs`). */
    private readonly maxTtlMs: number,
  ) {
    invalidation.onInvalidate((tags) => entries.invalidate(tags));
    invalidation.onClear(() => entries.clear());
  }

  keyOf({ principal, request }: ResponseKeyParts): string {
    // Each part length-prefixed, so no value (a JWT subject, a body) can pass for the boundary between two others.
    const parts = [principal.id, principal.role, String(principal.customerIds.length), ...[...principal.customerIds].sort(), ...request];
    // One string hashed at once: the same digest as an update per part, without a call into the hash per part
    // (~2x their cost on the cached path, `npm run bench -- --cpu-prof`).
    let text = "";
    for (const part of parts) text += `${part.length}:${part}`;
    return createHash("sha256").update(text).digest("base64url");
  }

  /** A fresh answer for `key`, or undefined. */
  lookup(key: string): { response: CachedResponse; ttlSeconds: number } | undefined {
    const now = Date.now();
    const entry = this.entries.get(key, now);
    if (!entry || now >= entry.freshUntil) {
      this.counts.misses++;
      return undefined;
    }
    this.counts.hits++;
    return { response: entry.value, ttlSeconds: Math.max(0, Math.round((entry.freshUntil - now) / 1000)) };
  }

  /**
   * Keeps the response if the operation that produced it may be reused; says why not otherwise. `freshUntil`:
   * when the first vendor answer it used stops being fresh (the operation scope's `cacheFreshUntil`); one built
   * from a stale answer, or from a source that is not cached, is not kept, so the next request asks again.
   * The body is encoded only once it is known to be kept.
   */
  store(
    key: string,
    response: Omit<CachedResponse, "body"> & { body: string },
    reads: ReadTracker,
    freshUntil = Infinity,
  ): { stored: true } | { stored: false; reason: string } {
    const now = Date.now();
    const until = Math.min(now + this.maxTtlMs, freshUntil);
    const reason =
      response.status !== 200
        ? "status"
        : (reads.reasonNotCacheable ??
          (this.invalidation.changedSince(reads.tags, reads.epoch) ? "changed" : until <= now ? "stale" : null));
    if (reason !== null) {
      this.counts.notStored++;
      return { stored: false, reason };
    }
    const body = Buffer.from(response.body);
    const size = body.length + key.length * 2 + 256;
    this.entries.set(key, { value: { ...response, body }, tags: [...reads.tags], freshUntil: until, staleUntil: until, size });
    this.counts.stored++;
    return { stored: true };
  }
}

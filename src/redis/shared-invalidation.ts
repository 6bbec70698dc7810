import { randomUUID } from "node:crypto";
import type { Invalidation } from "../cache/invalidation.js";
import type { Logger } from "../logger.js";
import { redisReady, type Redis } from "./connection.js";

/** The Redis stream every replica appends its invalidations to (the connection adds the key prefix). */
const STREAM = "invalidations";
/** Entries kept in the stream (about; Redis trims in whole nodes). */
const STREAM_LENGTH = 100_000;
/**
 * Most entries applied in one sync. A replica this far behind (paused for a long time, or a storm of writes)
 * empties its caches and jumps to the end instead: cheaper than replaying, and it cannot miss anything.
 */
const MAX_REPLAY = 1_000;
/** While Redis is away, unpublished invalidations are retried this often. */
const RETRY_MS = 200;
/** Prefix of the key holding each tag's last invalidation (its stream id), which shared entries are checked against. */
export const TAG_CHANGED_PREFIX = "tag-changed:";
/** How long a tag's last invalidation is kept: longer than any shared entry lives (see shared-entries.ts). */
export const TAG_CHANGED_KEEP_S = 24 * 3600;
/**
 * One invalidation, atomically: the stream entry, and each tag's last invalidation set to its id. Stream ids are
 * "<ms>-<n>", increasing even across a Redis restart (they follow Redis's clock), so they order changes without
 * a counter that a restart would reset. KEYS[1]: the stream. ARGV: key prefix, origin, tags JSON, stream length,
 * tag keep seconds, then the tags.
 */
const PUBLISH = `
local id = redis.call("xadd", KEYS[1], "MAXLEN", "~", ARGV[4], "*", "o", ARGV[2], "t", ARGV[3])
for i = 6, #ARGV do redis.call("set", ARGV[1] .. "${TAG_CHANGED_PREFIX}" .. ARGV[i], id, "EX", ARGV[5]) end
return id`;

/**
 * Makes each replica's caches as exact as one process's: every invalidation this replica makes (a committed store
 * write, a vendor write through a source) is appended to a Redis stream, and before each request a replica reads
 * the entries appended since it last looked and invalidates their tags in its own caches.
 *
 * Why this is "at once" and not "soon": a mutation's response is sent only after its invalidation is in the
 * stream (`flushed`), and every request begins by reading the stream (`sync`). So any request that starts after
 * a mutation's response, on any replica, sees the change. Pub/sub would be faster to deliver but gives no such
 * order: a message can arrive after the next request was served.
 *
 * What `sync` costs: one XRANGE round trip per request (returning nothing when nothing changed); requests that
 * arrive while one is running share the next one (never the running one, which may have missed their change).
 *
 * While Redis is away: `sync` fails at once (the server then bypasses the caches, see gateway-cache.ts), this
 * replica's invalidations wait in a backlog published when Redis is back, and a reconnect empties this replica's
 * caches, since what others changed meanwhile may never have reached the stream.
 */
export class SharedInvalidation {
  /** Marks this replica's own entries, which it has applied already. */
  private readonly origin = randomUUID();
  /** The id of the last stream entry applied here: every change up to it is reflected in a read starting now. */
  private lastId = "0-0";
  private readonly pending = new Set<Promise<void>>();
  private readonly backlog: string[][] = [];
  private draining = false;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  private constructor(
    private readonly redis: Redis,
    private readonly local: Invalidation,
    private readonly logger: Logger,
  ) {
    local.onInvalidate((tags, origin) => {
      if (origin === "local") this.publish(tags);
    });
    // Emitted on reconnects only: the first "ready" came before this listener (openRedis waits for it).
    redis.on("ready", () => {
      this.logger.warn("Redis is back: this replica's caches were emptied (changes made meanwhile may not have been shared)");
      this.local.invalidateEverything();
    });
  }

  /** Starts from the stream's current end: a new replica's caches are empty, nothing before it matters. */
  static async start(redis: Redis, local: Invalidation, logger: Logger): Promise<SharedInvalidation> {
    const shared = new SharedInvalidation(redis, local, logger);
    const [last] = await redis.xrevrange(STREAM, "+", "-", "COUNT", 1);
    if (last) shared.lastId = last[0];
    return shared;
  }

  /**
   * The stream id of the last invalidation applied here (see `lastId`). Shared entries record it when their read
   * starts, and are refused once a tag of theirs changes after it (src/redis/shared-entries.ts).
   */
  get position(): string {
    return this.lastId;
  }

  /** Applies every invalidation other replicas published since the last sync. Rejects when Redis cannot be read. */
  sync(): Promise<void> {
    if (!redisReady(this.redis)) return Promise.reject(new Error("Redis is not connected"));
    if (!this.running) {
      this.running = this.readStream().finally(() => (this.running = undefined));
      return this.running;
    }
    // Started before this caller arrived, so it may have missed the caller's change: wait for the next one.
    this.next ??= this.running
      .catch(() => {})
      .then(() => {
        this.next = undefined;
        return this.sync();
      });
    return this.next;
  }

  /**
   * Resolves when every invalidation this replica made so far is in the stream, or in the backlog because Redis
   * is away (then other replicas cannot read the stream either, and bypass their caches).
   */
  async flushed(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async readStream(): Promise<void> {
    const entries = await this.redis.xrange(STREAM, `(${this.lastId}`, "+", "COUNT", MAX_REPLAY);
    if (entries.length === 0) return;
    if (entries.length === MAX_REPLAY) {
      const [last] = await this.redis.xrevrange(STREAM, "+", "-", "COUNT", 1);
      this.local.invalidateEverything();
      this.lastId = last?.[0] ?? entries[entries.length - 1]![0];
      this.logger.warn(
        { behind: `>= ${MAX_REPLAY}` },
        "this replica fell far behind the shared invalidation stream; its caches were emptied",
      );
      return;
    }
    for (const [id, fields] of entries) {
      const { origin, tags } = parseEntry(fields);
      if (origin !== this.origin && tags.length > 0) this.local.invalidate(tags, "remote");
      this.lastId = id;
    }
  }

  private publish(tags: readonly string[]): void {
    const done = this.append([...tags])
      .catch(() => this.queue([...tags]))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  private async append(tags: string[]): Promise<void> {
    if (!redisReady(this.redis)) throw new Error("Redis is not connected");
    const prefix = this.redis.options.keyPrefix ?? "";
    await this.redis.eval(PUBLISH, 1, STREAM, prefix, this.origin, JSON.stringify(tags), STREAM_LENGTH, TAG_CHANGED_KEEP_S, ...tags);
  }

  /** Keeps an invalidation Redis did not take and retries it, in order, until Redis takes it. */
  private queue(tags: string[]): void {
    this.backlog.push(tags);
    if (this.draining) return;
    this.draining = true;
    this.logger.warn({ waiting: this.backlog.length }, "cannot publish a cache invalidation to Redis; retrying until it answers");
    void this.drain();
  }

  private async drain(): Promise<void> {
    while (this.backlog.length > 0) {
      try {
        await this.append(this.backlog[0]!);
        this.backlog.shift();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
      }
    }
    this.draining = false;
  }
}

function parseEntry(fields: string[]): { origin: string | undefined; tags: string[] } {
  let origin: string | undefined;
  let tags: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === "o") origin = fields[i + 1];
    else if (fields[i] === "t") {
      try {
        const parsed: unknown = JSON.parse(fields[i + 1]!);
        if (Array.isArray(parsed)) tags = parsed.filter((t): t is string => typeof t === "string");
      } catch {
        // Not ours: ignore it rather than stop applying the rest.
      }
    }
  }
  return { origin, tags };
}

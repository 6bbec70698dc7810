import { randomUUID } from "node:crypto";
import type { Logger } from "../logger.js";
import { openSubscriber, redisReady, type Redis } from "../redis/connection.js";
import type { EventBus } from "./event-bus.js";

/** The channel's name after the key prefix (ioredis prefixes keys, not channels, so the prefix is added here). */
const CHANNEL = "license-events";
/** How often a replica checks the store for events it was not told of (a message lost while Redis was away). */
const DEFAULT_CATCH_UP_MS = 15_000;

/**
 * License events between replicas (issue 16), the pattern of shared-invalidation.ts with pub/sub instead of a
 * stream: a replica that publishes events announces their cursor range on a Redis channel, never their payload;
 * every other replica hears it and has its bus read those events from the store (EventBus.announced). So only
 * committed events are delivered, each replica delivers each event once (its bus delivers only beyond the highest
 * cursor it delivered), and nothing depends on a message arriving: pub/sub may drop one while Redis reconnects, so
 * a reconnect, and a periodic check, make the bus read the store past its position.
 *
 * Why pub/sub here when invalidations use a stream: an invalidation must be applied before the next request
 * (ordering), while an event must only arrive, and the store already keeps every event in order.
 */
export class RedisEventRelay {
  /** Marks this replica's own announcements, which its bus delivered already. */
  private readonly origin = randomUUID();
  private readonly timer: NodeJS.Timeout;
  private readonly stopAnnouncing: () => void;

  private constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    catchUpMs: number,
  ) {
    this.stopAnnouncing = bus.onPublished((first, last) => this.announce(first, last));
    subscriber.on("message", (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const announcement = parseAnnouncement(message);
      if (announcement && announcement.origin !== this.origin) void bus.announced(announcement.last);
    });
    // Emitted on reconnects only (openSubscriber waited for the first): ioredis re-subscribes by itself, and what
    // was announced meanwhile is read from the store.
    subscriber.on("ready", () => void bus.catchUp());
    this.timer = setInterval(() => void bus.catchUp(), catchUpMs).unref();
  }

  static async start(redis: Redis, bus: EventBus, logger: Logger, options: { catchUpMs?: number } = {}): Promise<RedisEventRelay> {
    const channel = `${redis.options.keyPrefix ?? ""}${CHANNEL}`;
    const subscriber = await openSubscriber(redis);
    try {
      await subscriber.subscribe(channel);
    } catch (error) {
      subscriber.disconnect();
      throw error;
    }
    const relay = new RedisEventRelay(redis, subscriber, channel, bus, logger, options.catchUpMs ?? DEFAULT_CATCH_UP_MS);
    // Anything committed between the bus's start and the subscription is read now, not at the first check.
    await bus.catchUp();
    return relay;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.stopAnnouncing();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private announce(first: number, last: number): void {
    // While Redis is away the announcement is dropped: the others' reconnect and periodic checks read the store.
    if (!redisReady(this.redis)) return;
    this.redis.publish(this.channel, JSON.stringify({ o: this.origin, f: first, l: last })).catch((error: unknown) => {
      this.logger.warn({ err: error }, "could not announce license events to the other replicas; they will find them in the store");
    });
  }
}

function parseAnnouncement(message: string): { origin: string; last: number } | undefined {
  try {
    const parsed = JSON.parse(message) as { o?: unknown; l?: unknown };
    if (typeof parsed.o === "string" && typeof parsed.l === "number" && Number.isSafeInteger(parsed.l))
      return { origin: parsed.o, last: parsed.l };
  } catch {
    // Not ours: ignored.
  }
  return undefined;
}

import type { LicenseEvent } from "../domain/license-events.js";
import type { Logger } from "../logger.js";
import type { Redis } from "../redis/connection.js";
import { EventBus } from "./event-bus.js";
import type { EventLog } from "./event-log.js";
import { LicenseEventFeed } from "./license-event-feed.js";
import { RedisEventRelay } from "./redis-event-relay.js";

/** A gateway's license events (issue 16): what `startGateway` builds and exposes as `gateway.events`. */
export interface GatewayEvents {
  /**
   * Committed events (with their cursors, as the store returned them) to every subscriber of every replica: the
   * sync's onEvents and the mutations call it after their transaction commits. Never rejects.
   */
  publish(events: readonly LicenseEvent[]): Promise<void>;
  readonly bus: EventBus;
  readonly feed: LicenseEventFeed;
  close(): Promise<void>;
}

export interface GatewayEventsOptions {
  log: EventLog;
  /** The replicas' Redis (`cache.url`); without it, the in-process bus alone (one process). */
  redis: Redis | undefined;
  bufferSize: number;
  catchUpIntervalMs: number;
  logger: Logger;
}

export async function startGatewayEvents(o: GatewayEventsOptions): Promise<GatewayEvents> {
  const bus = await EventBus.start(o.log, o.logger);
  const relay = o.redis ? await RedisEventRelay.start(o.redis, bus, o.logger, { catchUpMs: o.catchUpIntervalMs }) : undefined;
  return {
    bus,
    feed: new LicenseEventFeed(o.log, bus, o.bufferSize),
    publish: (events) => bus.publish(events),
    close: async () => {
      await relay?.close();
    },
  };
}

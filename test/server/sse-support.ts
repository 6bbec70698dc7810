import { pino } from "pino";
import { startGateway, type Gateway } from "../../src/app.js";
import { configSchema } from "../../src/config/schema.js";
import type { LicenseEvent, LicenseEventType, NewLicenseEvent } from "../../src/domain/license-events.js";
import { testServices } from "../support/gateway.js";

/** One message of a text/event-stream, as an EventSource parses it (comments kept apart). */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * Reads a text/event-stream as curl would print it and an EventSource would parse it: `messages` grows as they
 * arrive; `comments` counts comment lines (heartbeats). `until` waits for a condition on them.
 */
export class RawEventStream {
  readonly messages: SseMessage[] = [];
  comments = 0;
  ended = false;
  text = "";
  readonly #done: Promise<void>;

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.#done = this.#read();
  }

  static async open(url: string, init: { headers?: Record<string, string>; query: string; variables?: unknown }): Promise<RawEventStream> {
    const target = new URL(url);
    target.searchParams.set("query", init.query);
    if (init.variables !== undefined) target.searchParams.set("variables", JSON.stringify(init.variables));
    const abort = new AbortController();
    const response = await fetch(target, { headers: { accept: "text/event-stream", ...init.headers }, signal: abort.signal });
    return new RawEventStream(response, abort);
  }

  /** The `next` messages' GraphQL results. */
  get results(): Array<{ data?: any; errors?: any[] }> {
    return this.messages.filter((m) => m.event === "next").map((m) => JSON.parse(m.data));
  }

  async until(condition: (s: RawEventStream) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition(this)) {
      if (Date.now() > deadline) throw new Error(`event stream: condition not met in ${timeoutMs} ms; got ${this.text.slice(-2000)}`);
      if (this.ended) throw new Error(`event stream ended before the condition was met; got ${this.text.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.#done.catch(() => {});
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    try {
      for await (const chunk of this.response.body!) {
        const text = decoder.decode(chunk as Uint8Array, { stream: true });
        this.text += text;
        pending += text;
        let end: number;
        while ((end = pending.indexOf("\n\n")) >= 0) {
          this.#parse(pending.slice(0, end));
          pending = pending.slice(end + 2);
        }
      }
    } finally {
      this.ended = true;
    }
  }

  #parse(block: string): void {
    const message: SseMessage = { id: undefined, event: "message", data: "" };
    let fields = 0;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) {
        this.comments++;
        continue;
      }
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      fields++;
      if (name === "id") message.id = value;
      else if (name === "event") message.event = value;
      else if (name === "data") message.data = message.data ? `${message.data}\n${value}` : value;
    }
    if (fields > 0) this.messages.push(message);
  }
}

export const SUBSCRIBE = `subscription($filter: LicenseEventFilter, $after: String) {
  licenseEvents(filter: $filter, after: $after) { id cursor type licenseId customerId source status previousStatus nodeId thresholdDays origin at }
}`;

/** A license event as the sync would record it, for `customerId`'s license `externalId` at source `sofar`. */
export function newEvent(customerId: string | null, externalId: string, type: LicenseEventType = "ACTIVATED"): NewLicenseEvent {
  return {
    type,
    at: new Date("2026-12-06T07:00:00Z"),
    origin: "SYNC",
    source: "sofar",
    externalId,
    customerId,
    status: type === "ACTIVATED" ? "ACTIVE" : "INACTIVE",
    previousStatus: type === "ACTIVATED" ? "INACTIVE" : null,
    nodeId: null,
    expiresAt: null,
    thresholdDays: null,
  };
}

/** What the sync and the mutations do: append to the store (the commit), then publish. */
export async function appendAndPublish(gateway: Gateway, events: NewLicenseEvent[]): Promise<LicenseEvent[]> {
  const stored = await gateway.store.licenseEvents.append(events);
  await gateway.events.publish(stored);
  return stored;
}

/** A gateway with no vendors (events need none), on this suite's store and Redis (testServices), with `config` merged in. */
export async function startEventsGateway(config: Record<string, unknown> = {}): Promise<{ gateway: Gateway; cleanUp(): Promise<void> }> {
  const services = testServices();
  const gateway = await startGateway({
    config: configSchema.parse({
      server: { host: "127.0.0.1", port: 0, shutdownGraceMs: 1_000 },
      store: services.store,
      cache: services.cache,
      auth: { mode: "off" },
      ...config,
    }),
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
  });
  return {
    gateway,
    cleanUp: async () => {
      await gateway.close();
      await services.cleanUp();
    },
  };
}

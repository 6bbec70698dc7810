import type { ServerResponse } from "node:http";

/** graphql-sse's keep-alive comment: its first one flushes the headers; the later ones (every 12 s) are replaced by ours. */
const GRAPHQL_SSE_PING = ":\n\n";

/**
 * Whether the response can take more now. The GraphQL-over-SSE handler waits on it before it hands the next result
 * on (HandlerOptions.onNext), so a subscriber whose connection is backed up stops pulling events: they wait in its
 * bounded buffer (src/events/event-stream.ts) instead of piling up in memory here.
 */
export function writable(res: ServerResponse): Promise<void> | undefined {
  if (!res.writableNeedDrain || res.destroyed) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

export interface EventStreamWriting {
  res: ServerResponse;
  /** graphql-sse's messages: `event: next` / `event: complete` blocks and keep-alive comments, in order. */
  body: AsyncGenerator<string, void, undefined>;
  /**
   * The event cursor of each `next` message, in order (null for a message that is no event: an error): each is
   * written as the message's `id:` field, so an EventSource sends it back as Last-Event-ID when it reconnects.
   */
  ids: Array<number | null>;
  heartbeatMs: number;
}

/**
 * Writes an event stream: graphql-sse prints its messages without an `id:` field and has no option for one, so
 * each `next` message gets its event's cursor here (the one change to what it prints), and its 12-second
 * keep-alive comments are replaced by ours, at `heartbeatMs`, so that proxies do not close an idle stream.
 * Resolves when the stream ended (completed, or the client went away).
 */
export async function writeEventStream({ res, body, ids, heartbeatMs }: EventStreamWriting): Promise<void> {
  const heartbeat = setInterval(() => {
    // A connection backed up needs no keep-alive, and must not be given more to hold.
    if (!res.writableNeedDrain) res.write(": heartbeat\n\n");
  }, heartbeatMs);
  const stop = () => void body.return(undefined);
  res.once("close", stop);
  let flushed = false;
  try {
    for await (const message of body) {
      if (res.destroyed) break;
      if (message === GRAPHQL_SSE_PING) {
        if (!flushed) res.write(message);
        flushed = true;
        continue;
      }
      if (message.startsWith("event: next")) {
        const id = ids.shift();
        res.write(id == null ? message : `id: ${id}\n${message}`);
      } else {
        res.write(message);
      }
    }
  } finally {
    clearInterval(heartbeat);
    res.off("close", stop);
    if (!res.destroyed) await new Promise<void>((resolve) => res.end(resolve));
  }
}

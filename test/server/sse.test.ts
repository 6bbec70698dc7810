import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "graphql-sse";
import type { Gateway } from "../../src/app.js";
import { appendAndPublish, newEvent, RawEventStream, startEventsGateway, SUBSCRIBE } from "./sse-support.js";

/**
 * licenseEvents over Server-Sent Events on a real gateway: as curl reads it (a GET with query parameters and
 * Accept: text/event-stream), with graphql-sse's own client, resumed with Last-Event-ID, and the poller's
 * licenseEventsConnection. Events are appended to the store and published, as the sync does.
 */
let gateway: Gateway;
let cleanUp: () => Promise<void>;

beforeAll(async () => {
  ({ gateway, cleanUp } = await startEventsGateway({ subscriptions: { heartbeatMs: 1_000 } }));
});
afterAll(() => cleanUp());

describe("licenseEvents over text/event-stream, read as curl does", () => {
  it("delivers published events, each message with id: <cursor>; the stream starts with a comment and keeps alive with heartbeats", async () => {
    // Other parts of the gateway subscribe to the bus too (webhook delivery).
    const others = gateway.events.bus.subscriberCount;
    const stream = await RawEventStream.open(gateway.url, { query: SUBSCRIBE });
    try {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      await stream.until((s) => s.comments >= 1);
      const [first, second] = await appendAndPublish(gateway, [
        newEvent("demo-customer-1", "L-1"),
        newEvent("demo-customer-2", "L-2", "CLAIMED"),
      ]);
      await stream.until((s) => s.results.length === 2);
      expect(stream.messages.map((m) => m.id)).toEqual([String(first!.cursor), String(second!.cursor)]);
      expect(stream.results[0]!.data.licenseEvents).toMatchObject({
        id: String(first!.cursor),
        cursor: String(first!.cursor),
        type: "ACTIVATED",
        licenseId: "sofar:L-1",
        customerId: "demo-customer-1",
        source: "sofar",
        status: "ACTIVE",
        previousStatus: "INACTIVE",
        origin: "SYNC",
        at: "2026-12-06T07:00:00.000Z",
      });
      expect(stream.results[1]!.data.licenseEvents).toMatchObject({ type: "CLAIMED", licenseId: "sofar:L-2" });
      const comments = stream.comments;
      await stream.until((s) => s.comments > comments, 3_000);
    } finally {
      await stream.close();
    }
    // The client went away: its subscription to the bus goes with it.
    for (let i = 0; i < 100 && gateway.events.bus.subscriberCount > others; i++) await new Promise((r) => setTimeout(r, 20));
    expect(gateway.events.bus.subscriberCount).toBe(others);
  });

  it("resumes after Last-Event-ID: exactly the events after it, then live ones, no gap and no repeat", async () => {
    const [a, b, c] = await appendAndPublish(gateway, [
      newEvent("demo-customer-1", "R-1"),
      newEvent("demo-customer-1", "R-2"),
      newEvent("demo-customer-1", "R-3"),
    ]);
    const stream = await RawEventStream.open(gateway.url, {
      query: SUBSCRIBE,
      variables: { filter: { customerId: "demo-customer-1" } },
      headers: { "last-event-id": String(a!.cursor) },
    });
    try {
      await stream.until((s) => s.results.length === 2);
      const [d] = await appendAndPublish(gateway, [newEvent("demo-customer-1", "R-4")]);
      await stream.until((s) => s.results.length === 3);
      expect(stream.messages.map((m) => m.id)).toEqual([b, c, d].map((e) => String(e!.cursor)));
      expect(stream.results.map((r) => r.data.licenseEvents.licenseId)).toEqual(["sofar:R-2", "sofar:R-3", "sofar:R-4"]);
    } finally {
      await stream.close();
    }
  });

  it("filters by customer, source and type", async () => {
    const stream = await RawEventStream.open(gateway.url, {
      query: SUBSCRIBE,
      variables: { filter: { customerId: "demo-customer-2", source: "sofar", types: ["BLOCKED"] } },
    });
    try {
      await stream.until((s) => s.comments >= 1);
      await appendAndPublish(gateway, [
        newEvent("demo-customer-1", "F-1", "BLOCKED"),
        newEvent("demo-customer-2", "F-2", "ACTIVATED"),
        { ...newEvent("demo-customer-2", "F-3", "BLOCKED"), source: "cryptolens" },
        newEvent("demo-customer-2", "F-4", "BLOCKED"),
      ]);
      await stream.until((s) => s.results.length === 1);
      await appendAndPublish(gateway, [newEvent("demo-customer-2", "F-5", "BLOCKED")]);
      await stream.until((s) => s.results.length === 2);
      expect(stream.results.map((r) => r.data.licenseEvents.licenseId)).toEqual(["sofar:F-4", "sofar:F-5"]);
    } finally {
      await stream.close();
    }
  });

  it("a subscription whose field hangs on a variable no one sent is a validation error, over SSE and over JSON, never a 500 (regression: graphql-js's SingleFieldSubscriptionsRule throws)", async () => {
    const query = "subscription { licenseEvents @include(if: $v) { cursor } }";
    const stream = await RawEventStream.open(gateway.url, { query });
    await stream.until((s) => s.ended);
    expect(stream.response.status).toBe(200);
    expect(stream.results[0]!.errors!.map((e: any) => e.extensions.code)).toContain("GRAPHQL_VALIDATION_FAILED");
    const res = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    expect(res.status).toBe(400);
  });

  it("a bad cursor is one BAD_USER_INPUT result, and the stream completes", async () => {
    const stream = await RawEventStream.open(gateway.url, { query: SUBSCRIBE, variables: { after: "not-a-cursor" } });
    await stream.until((s) => s.ended);
    expect(stream.results).toEqual([
      { errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) })] },
    ]);
    expect(stream.messages.at(-1)!.event).toBe("complete");
  });

  it("serves subscriptions only, and a subscription is refused over application/json with where to send it", async () => {
    const query = await RawEventStream.open(gateway.url, { query: "{ __typename }" });
    await query.until((s) => s.ended);
    expect(query.results[0]!.errors![0]).toMatchObject({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    expect(query.results[0]!.errors![0].message).toMatch(/only subscriptions/);

    const res = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: SUBSCRIBE }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(body.errors[0]!.message).toMatch(/text\/event-stream/);
  });
});

describe("licenseEvents with graphql-sse's client (distinct connections mode, node's fetch)", () => {
  it("receives what is published, and resumes with `after`", async () => {
    const client = createClient({ url: gateway.url, fetchFn: fetch, retryAttempts: 0 });
    try {
      const received: any[] = [];
      const others = gateway.events.bus.subscriberCount;
      const iterator = client.iterate<{ licenseEvents: { cursor: string; licenseId: string } }>({ query: SUBSCRIBE });
      const first = iterator.next();
      // The stream is open once the gateway has its subscriber: publish until the client has the event.
      let published: Awaited<ReturnType<typeof appendAndPublish>> = [];
      const sent = (async () => {
        for (let i = 0; i < 50 && received.length === 0; i++) {
          if (gateway.events.bus.subscriberCount > others) {
            published = await appendAndPublish(gateway, [newEvent("demo-customer-3", "C-1")]);
            return;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const result = await first;
      await sent;
      received.push(result.value);
      expect(result.value.data!.licenseEvents).toEqual(
        expect.objectContaining({ licenseId: "sofar:C-1", cursor: String(published[0]!.cursor) }),
      );
      await iterator.return!();

      const [later] = await appendAndPublish(gateway, [newEvent("demo-customer-3", "C-2")]);
      const resumed = client.iterate<{ licenseEvents: { licenseId: string; cursor: string } }>({
        query: SUBSCRIBE,
        variables: { after: String(published[0]!.cursor) },
      });
      const next = await resumed.next();
      expect(next.value.data!.licenseEvents).toEqual(expect.objectContaining({ licenseId: "sofar:C-2", cursor: String(later!.cursor) }));
      await resumed.return!();
    } finally {
      client.dispose();
    }
  });
});

describe("licenseEventsConnection", () => {
  it("pages the log after a cursor, oldest first, its endCursor where to go on from", async () => {
    const start = await gateway.store.licenseEvents.latestCursor();
    const stored = await appendAndPublish(gateway, [
      newEvent("demo-customer-1", "P-1"),
      newEvent("demo-customer-1", "P-2"),
      newEvent("demo-customer-1", "P-3"),
    ]);
    const page = async (after: string) => {
      const res = await fetch(gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: `query($after: String) { licenseEventsConnection(first: 2, after: $after) { edges { cursor node { licenseId } } pageInfo { hasNextPage endCursor } } }`,
          variables: { after },
        }),
      });
      return ((await res.json()) as any).data.licenseEventsConnection;
    };
    const one = await page(String(start));
    expect(one.edges.map((e: any) => e.node.licenseId)).toEqual(["sofar:P-1", "sofar:P-2"]);
    expect(one.pageInfo).toEqual({ hasNextPage: true, endCursor: String(stored[1]!.cursor) });
    const two = await page(one.pageInfo.endCursor);
    expect(two.edges.map((e: any) => e.node.licenseId)).toEqual(["sofar:P-3"]);
    expect(two.pageInfo).toEqual({ hasNextPage: false, endCursor: String(stored[2]!.cursor) });
  });
});

describe("shutdown", () => {
  it("completes every open stream at once, so clients reconnect elsewhere instead of waiting for the grace period", async () => {
    const own = await startEventsGateway({ server: { host: "127.0.0.1", port: 0, shutdownGraceMs: 20_000 } });
    const stream = await RawEventStream.open(own.gateway.url, { query: SUBSCRIBE });
    await stream.until((s) => s.comments >= 1);
    const started = Date.now();
    await own.cleanUp();
    expect(Date.now() - started).toBeLessThan(5_000);
    await stream.until((s) => s.ended);
    expect(stream.messages.at(-1)!.event).toBe("complete");
  });
});

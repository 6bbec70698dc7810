import { describe, expect, it } from "vitest";
import { DEMO_EXAMPLES } from "../../src/server/graphiql-examples.js";
import type { GraphiqlExample } from "../../src/server/graphiql.js";
import { useTestGateway } from "../support/gateway.js";
import { newEvent } from "../webhooks/fixtures.js";

const t = useTestGateway();

const isSubscription = (example: GraphiqlExample) => /^\s*subscription\b/m.test(example.query.replace(/#[^\n]*/g, ""));

describe("GraphiQL's example operations", () => {
  // In order, as a first-time visitor would click through the tabs.
  it.each(DEMO_EXAMPLES.filter((e) => !isSubscription(e)).map((e) => [e.name, e] as const))(
    "%s succeeds against the demo",
    async (_, example) => {
      const res = await t.gql(example.query, example.variables);
      expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
      for (const value of Object.values(res.body.data ?? {})) {
        expect(value).not.toBeNull();
        const errors = (value as { errors?: unknown[] }).errors;
        if (errors !== undefined) expect(errors).toEqual([]);
      }
    },
  );

  // What GraphiQL's page does for a subscription tab (src/server/graphiql.ts): POST it asking for text/event-stream.
  it.each(DEMO_EXAMPLES.filter(isSubscription).map((e) => [e.name, e] as const))(
    "%s streams events over SSE from the demo",
    async (_, example) => {
      const [event] = await t.gateway.store.licenseEvents.append([
        newEvent("demo-customer-1", {
          type: "BLOCKED",
          source: "cryptolens",
          externalId: "GRAPHIQL-TAB-TEST",
          status: "BLOCKED",
          previousStatus: "ACTIVE",
          nodeId: null,
        }),
      ]);
      await t.gateway.events.publish([event!]);
      const aborted = new AbortController();
      const res = await fetch(t.gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({ query: example.query, variables: example.variables }),
        signal: aborted.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      try {
        // Replayed from the first event kept (after: "0"): the ones earlier tabs' mutations reported, then this one.
        while (!text.includes(`"cursor":"${event!.cursor}"`)) {
          const chunk = await reader.read();
          if (chunk.done) break;
          text += decoder.decode(chunk.value, { stream: true });
        }
      } finally {
        aborted.abort();
      }
      const messages = [...text.matchAll(/event: next\ndata: (.*)\n/g)].map(
        (m) => JSON.parse(m[1]!) as { data?: Record<string, unknown>; errors?: unknown },
      );
      expect(messages.every((m) => m.errors === undefined)).toBe(true);
      expect(messages.map((m) => Object.values(m.data ?? {})[0]).at(-1)).toMatchObject({ type: "BLOCKED", cursor: String(event!.cursor) });
    },
  );
});

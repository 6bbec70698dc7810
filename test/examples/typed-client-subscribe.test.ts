import { describe, expect, it } from "vitest";
import { createClient } from "../../examples/typed-client/client.js";
import { LicenseEventsDocument } from "../../examples/typed-client/generated/graphql.js";
import type { NewLicenseEvent } from "../../src/domain/license-events.js";
import { useTestGateway } from "../support/gateway.js";
import { newEvent } from "../webhooks/fixtures.js";

/**
 * The typed client's `subscribe` (issue 16) against a real gateway: LicenseEvents over GraphQL over SSE, typed by the
 * generated document, and resumed after a dropped stream from the last event it yielded, with no gap and no repeat.
 */
const t = useTestGateway();

function event(externalId: string): NewLicenseEvent {
  return newEvent("demo-customer-1", {
    type: "BLOCKED",
    source: "cryptolens",
    externalId,
    status: "BLOCKED",
    previousStatus: "ACTIVE",
    nodeId: null,
  });
}

async function publish(externalId: string): Promise<string> {
  const stored = await t.gateway.store.licenseEvents.append([event(externalId)]);
  await t.gateway.events.publish(stored);
  return String(stored[0]!.cursor);
}

describe("the typed client's subscribe", () => {
  it("yields each event as it is published, typed, and resumes after a dropped stream without a gap or a repeat", async () => {
    const start = String(await t.gateway.store.licenseEvents.latestCursor());
    // A network that drops the first stream after its first event: the client must reconnect and resume.
    let streams = 0;
    const lastEventIds: (string | null)[] = [];
    const flakyFetch: typeof fetch = async (input, init) => {
      streams++;
      lastEventIds.push(new Headers(init?.headers).get("last-event-id"));
      const response = await fetch(input, init);
      if (streams > 1 || response.body === null) return response;
      const reader = response.body.getReader();
      let delivered = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (delivered) {
            await reader.cancel();
            controller.error(new TypeError("network dropped"));
            return;
          }
          const chunk = await reader.read();
          if (chunk.done) return controller.close();
          controller.enqueue(chunk.value);
          if (new TextDecoder().decode(chunk.value).includes("event: next")) delivered = true;
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const client = createClient({ url: t.gateway.url, fetch: flakyFetch });
    const events = client.subscribe(LicenseEventsDocument, { after: start }, { cursorOf: (data) => data.licenseEvents.cursor });
    const first = await publish("TYPED-CLIENT-1");
    const one = await events.next();
    expect(one.done).toBe(false);
    // Typed: `licenseEvents.licenseId` is a string by the generated types.
    expect(one.value!.data.licenseEvents).toMatchObject({ cursor: first, licenseId: "cryptolens:TYPED-CLIENT-1", type: "BLOCKED" });
    const second = await publish("TYPED-CLIENT-2");
    const two = await events.next();
    expect(two.value!.data.licenseEvents).toMatchObject({ cursor: second, licenseId: "cryptolens:TYPED-CLIENT-2" });
    await events.return?.();
    expect(streams).toBe(2);
    expect(lastEventIds).toEqual([null, first]);
  });
});

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../src/app.js";
import { ApiKeyAdmin } from "../../src/auth/key-admin.js";
import { AuditedWriter } from "../../src/federation/mutations/audited.js";
import { seedDemo } from "../../src/demo/seed.js";
import { A, AUTH_ON, B, makePrincipals, type Principals } from "../auth/roles.js";
import { appendAndPublish, newEvent, RawEventStream, startEventsGateway, SUBSCRIBE } from "./sse-support.js";

/**
 * Who sees which license events, over SSE and in licenseEventsConnection, on a real gateway with auth on; the
 * per-principal cap on streams; and the end of a stream whose subscriber does not read.
 */
let gateway: Gateway;
let cleanUp: () => Promise<void>;
let who: Principals;
const BUFFER = 5;

beforeAll(async () => {
  ({ gateway, cleanUp } = await startEventsGateway({
    auth: AUTH_ON,
    subscriptions: { maxConnectionsPerPrincipal: 2, bufferSize: BUFFER, heartbeatMs: 60_000 },
  }));
  await seedDemo(gateway.store);
  who = await makePrincipals(gateway.store);
});
afterAll(() => cleanUp());

const CONNECTION = `query($filter: LicenseEventFilter, $after: String) {
  licenseEventsConnection(filter: $filter, after: $after, first: 100) { edges { node { licenseId customerId } } }
}`;

async function connection(headers: Record<string, string>, variables: Record<string, unknown>) {
  const res = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: CONNECTION, variables }),
  });
  const body = (await res.json()) as any;
  expect(body.errors).toBeUndefined();
  return body.data.licenseEventsConnection.edges.map((e: any) => e.node.licenseId);
}

describe("authorization exactly as for reads", () => {
  it("a partner's stream carries only its granted customers' events; asking for another customer gives nothing, not an error", async () => {
    const all = await RawEventStream.open(gateway.url, { query: SUBSCRIBE, headers: who.headers.partnerA });
    const other = await RawEventStream.open(gateway.url, {
      query: SUBSCRIBE,
      variables: { filter: { customerId: B } },
      headers: who.headers.partnerA,
    });
    const admin = await RawEventStream.open(gateway.url, { query: SUBSCRIBE, headers: who.headers.admin });
    try {
      for (const s of [all, other, admin]) {
        expect(s.response.status).toBe(200);
        await s.until((x) => x.comments >= 1);
      }
      const start = await gateway.store.licenseEvents.latestCursor();
      await appendAndPublish(gateway, [newEvent(B, "Z-B1"), newEvent(A, "Z-A1"), newEvent(null, "Z-unmapped"), newEvent(A, "Z-A2")]);
      await admin.until((s) => s.results.length === 4);
      await all.until((s) => s.results.length === 2);
      expect(all.results.map((r) => r.data.licenseEvents.licenseId)).toEqual(["sofar:Z-A1", "sofar:Z-A2"]);
      // The admin saw all four after the partner's two: had the partner been sent B's, it would have them by now.
      expect(all.results).toHaveLength(2);
      expect(other.results).toEqual([]);

      expect(await connection(who.headers.partnerA, { after: String(start) })).toEqual(["sofar:Z-A1", "sofar:Z-A2"]);
      expect(await connection(who.headers.partnerA, { after: String(start), filter: { customerId: B } })).toEqual([]);
      expect(await connection(who.headers.partnerB, { after: String(start) })).toEqual(["sofar:Z-B1"]);
      expect(await connection(who.headers.customerA, { after: String(start) })).toEqual(["sofar:Z-A1", "sofar:Z-A2"]);
      // Events no customer maps: an admin's only.
      expect(await connection(who.headers.admin, { after: String(start) })).toEqual([
        "sofar:Z-B1",
        "sofar:Z-A1",
        "sofar:Z-unmapped",
        "sofar:Z-A2",
      ]);
    } finally {
      await Promise.all([all.close(), other.close(), admin.close()]);
    }
  });

  it("resuming does not widen the reach: a partner resuming from 0 gets only its customers' stored events", async () => {
    const stream = await RawEventStream.open(gateway.url, { query: SUBSCRIBE, headers: { ...who.headers.partnerB, "last-event-id": "0" } });
    try {
      await stream.until((s) => s.results.some((r) => r.data?.licenseEvents.licenseId === "sofar:Z-B1"));
      expect(new Set(stream.results.map((r) => r.data.licenseEvents.customerId))).toEqual(new Set([B]));
    } finally {
      await stream.close();
    }
  });

  it("no credentials: 401 UNAUTHENTICATED, no stream", async () => {
    const stream = await RawEventStream.open(gateway.url, { query: SUBSCRIBE });
    await stream.until((s) => s.ended);
    expect(stream.response.status).toBe(401);
    expect(JSON.parse(stream.text).errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });
});

describe("trusted documents, as for every request", () => {
  const PUBLISHED = `subscription PartnerEvents { licenseEvents { cursor licenseId } }`;
  const id = `sha256:${createHash("sha256").update(PUBLISHED).digest("hex")}`;
  let locked: Record<string, string>;

  beforeAll(async () => {
    const keys = new ApiKeyAdmin(new AuditedWriter(gateway.store, "test-setup"), { requireAdmin: () => {} });
    const created = await keys.createApiKey({ name: "locked partner app", role: "partner", grants: [A] });
    locked = { authorization: `Bearer ${created.secret!}` };
    const admin = async (query: string, variables: Record<string, unknown>) => {
      const res = await fetch(gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...who.headers.admin },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as any;
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    const published = await admin(
      `mutation($input: PublishTrustedDocumentsInput!) { publishTrustedDocuments(input: $input) { added errors { code message } } }`,
      { input: { apiKeyId: created.apiKey!.id, documents: [{ body: PUBLISHED }] } },
    );
    expect(published.publishTrustedDocuments).toEqual({ added: 1, errors: [] });
    const lock = await admin(`mutation($id: ID!) { setApiKeyLocked(input: { apiKeyId: $id, locked: true }) { apiKey { locked } } }`, {
      id: created.apiKey!.id,
    });
    expect(lock.setApiKeyLocked.apiKey.locked).toBe(true);
  });

  it("a locked key subscribes with its published document, as text or by documentId, and with nothing else", async () => {
    const byText = await RawEventStream.open(gateway.url, { query: PUBLISHED, headers: locked });
    const url = new URL(gateway.url);
    url.searchParams.set("documentId", id);
    const abort = new AbortController();
    const byId = new RawEventStream(await fetch(url, { headers: { accept: "text/event-stream", ...locked }, signal: abort.signal }), abort);
    try {
      expect([byText.response.status, byId.response.status]).toEqual([200, 200]);
      await byText.until((s) => s.comments >= 1);
      await byId.until((s) => s.comments >= 1);
      await appendAndPublish(gateway, [newEvent(A, "T-1")]);
      for (const s of [byText, byId]) {
        await s.until((x) => x.results.length === 1);
        expect(s.results[0]!.data.licenseEvents.licenseId).toBe("sofar:T-1");
      }
    } finally {
      await Promise.all([byText.close(), byId.close()]);
    }
    const other = await RawEventStream.open(gateway.url, { query: SUBSCRIBE, headers: locked });
    await other.until((s) => s.ended);
    expect(other.response.status).toBe(403);
    expect(JSON.parse(other.text).errors[0].extensions.code).toBe("QUERY_NOT_IN_SAFELIST");
  });
});

describe("bounds", () => {
  it("at most maxConnectionsPerPrincipal streams per principal: one more is a coded 429, and a closed one frees its place", async () => {
    const open = [
      await RawEventStream.open(gateway.url, { query: SUBSCRIBE, headers: who.headers.customerA }),
      await RawEventStream.open(gateway.url, { query: SUBSCRIBE, headers: who.headers.customerA }),
    ];
    try {
      for (const s of open) expect(s.response.status).toBe(200);
      const refused = await RawEventStream.open(gateway.url, { query: SUBSCRIBE, headers: who.headers.customerA });
      await refused.until((s) => s.ended);
      expect(refused.response.status).toBe(429);
      expect(JSON.parse(refused.text).errors[0].extensions.code).toBe("SUBSCRIPTION_LIMIT_REACHED");
      // Another principal is not counted against this one.
      const otherPrincipal = await RawEventStream.open(gateway.url, { query: SUBSCRIBE, headers: who.headers.partnerA });
      expect(otherPrincipal.response.status).toBe(200);
      await otherPrincipal.close();

      await open.pop()!.close();
      let again: RawEventStream | undefined;
      for (let i = 0; i < 100; i++) {
        again = await RawEventStream.open(gateway.url, { query: SUBSCRIBE, headers: who.headers.customerA });
        if (again.response.status === 200) break;
        await again.close();
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(again!.response.status).toBe(200);
      open.push(again!);
    } finally {
      await Promise.all(open.map((s) => s.close()));
    }
  });

  it(
    "a subscriber that does not read: its stream ends with SUBSCRIBER_TOO_SLOW naming its last cursor, after every event before it, in order",
    { timeout: 120_000 },
    async () => {
      const start = await gateway.store.licenseEvents.latestCursor();
      // Far more than the socket's buffers hold (about 15 MB of messages), so the stream is still reading the store
      // when the bursts arrive.
      const backlog = Array.from({ length: 45_000 }, (_, i) => newEvent(A, `S-${i}`));
      for (let i = 0; i < backlog.length; i += 5_000) await gateway.store.licenseEvents.append(backlog.slice(i, i + 5_000));
      const abort = new AbortController();
      const url = new URL(gateway.url);
      url.searchParams.set("query", SUBSCRIBE);
      url.searchParams.set("variables", JSON.stringify({ after: String(start) }));
      const res = await fetch(url, { headers: { accept: "text/event-stream", ...who.headers.admin }, signal: abort.signal });
      expect(res.status).toBe(200);
      // Not read: the gateway writes until the connection is full, then waits.
      await new Promise((r) => setTimeout(r, 1_500));
      // Two bursts larger than the buffer while it has not caught up.
      await appendAndPublish(
        gateway,
        Array.from({ length: BUFFER + 1 }, (_, i) => newEvent(A, `burst1-${i}`)),
      );
      await appendAndPublish(
        gateway,
        Array.from({ length: BUFFER + 1 }, (_, i) => newEvent(A, `burst2-${i}`)),
      );

      const stream = new RawEventStream(res, abort);
      await stream.until((s) => s.ended, 60_000);
      const results = stream.results;
      const last = results.at(-1)!;
      expect(last.errors?.[0]?.extensions?.code).toBe("SUBSCRIBER_TOO_SLOW");
      expect(stream.messages.at(-1)!.event).toBe("complete");
      const delivered = results.slice(0, -1).map((r) => Number(r.data.licenseEvents.cursor));
      expect(delivered.length).toBeGreaterThan(0);
      expect(delivered.length).toBeLessThan(backlog.length);
      // From the first event after `start`, one by one: no gap, no repeat.
      expect(delivered).toEqual(Array.from({ length: delivered.length }, (_, i) => start + 1 + i));
      expect(last.errors![0].message).toContain(`after: "${delivered.at(-1)}"`);
    },
  );
});

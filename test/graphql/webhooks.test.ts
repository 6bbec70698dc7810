import { beforeAll, describe, expect, it } from "vitest";
import { A, AUTH_ON, makePrincipals, type Principals } from "../auth/roles.js";
import { useTestGateway } from "../support/gateway.js";
import { startReceiver } from "../webhooks/receiver.js";
import { newEvent } from "../webhooks/fixtures.js";

const CREATE = `mutation ($input: CreateWebhookInput!) {
  createWebhook(input: $input) { webhook { id url types keyId disabledAt } secret errors { code field } }
}`;
const LIST = `query ($keyId: ID) { webhooks(keyId: $keyId) { id url keyId } }`;
const LOG = `query { webhooks { id deliveries(first: 10) {
  edges { cursor node { cursor state attempts lastStatus lastErrorCode deliveredAt } }
  pageInfo { hasNextPage endCursor }
} } }`;

/** The GraphQL surface over WebhookAdmin (issue 16), through a real gateway with auth on and a real receiver. */
describe("webhooks over GraphQL", () => {
  const t = useTestGateway({ auth: AUTH_ON, webhooks: { allowPrivateAddresses: true } });
  let who: Principals;

  beforeAll(async () => {
    who = await makePrincipals(t.gateway.store);
  });

  it("an admin registers a webhook, sees its secret once, and its delivery log shows the event DELIVERED; a partner sees none of it", async () => {
    const receiver = await startReceiver();
    try {
      const created = await t.gql(CREATE, { input: { url: receiver.url, types: ["BLOCKED"] } }, who.headers.admin);
      const payload = created.body.data.createWebhook;
      expect(payload.errors).toEqual([]);
      expect(payload.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(payload.webhook).toMatchObject({
        url: receiver.url,
        types: ["BLOCKED"],
        keyId: who.ids.admin.replace(/^apikey:/, ""),
        disabledAt: null,
      });
      receiver.secret = payload.secret;
      const id = payload.webhook.id as string;

      // Listed without its secret: the type has no such field at all.
      const listed = await t.gql(`query { webhooks { id secret } }`, {}, who.headers.admin);
      expect(listed.body.errors?.[0]?.message).toMatch(/secret/);
      expect((await t.gql(LIST, {}, who.headers.admin)).body.data.webhooks.map((w: { id: string }) => w.id)).toContain(id);

      // The partner manages only its own key's webhooks, whatever keyId it names; disabling the admin's is NOT_FOUND.
      const adminKey = who.ids.admin.replace(/^apikey:/, "");
      expect((await t.gql(LIST, { keyId: adminKey }, who.headers.partnerA)).body.data.webhooks).toEqual([]);
      const disable = await t.gql(
        `mutation ($id: ID!) { disableWebhook(input: { id: $id }) { webhook { id } errors { code field } } }`,
        { id },
        who.headers.partnerA,
      );
      expect(disable.body.data.disableWebhook).toEqual({ webhook: null, errors: [{ code: "NOT_FOUND", field: ["input", "id"] }] });

      const [event] = await t.gateway.store.licenseEvents.append([
        newEvent(A, {
          type: "BLOCKED",
          source: "cryptolens",
          externalId: "WEBHOOK-GQL-1",
          status: "BLOCKED",
          previousStatus: "ACTIVE",
          nodeId: null,
        }),
      ]);
      await t.gateway.events.publish([event!]);
      const [delivered] = await receiver.waitFor(1);
      expect(delivered!.verified).toBe(true);

      // The dispatcher marks it delivered just after the receiver answers: poll the log until it says so.
      let log: any;
      for (let i = 0; i < 50; i++) {
        const res = await t.gql(LOG, {}, who.headers.admin);
        expect(res.body.errors).toBeUndefined();
        log = res.body.data.webhooks.find((w: { id: string }) => w.id === id).deliveries;
        if (log.edges[0]?.node.state === "DELIVERED") break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(log.edges).toHaveLength(1);
      expect(log.edges[0].node).toMatchObject({
        cursor: String(event!.cursor),
        state: "DELIVERED",
        attempts: 1,
        lastStatus: 200,
        lastErrorCode: null,
      });
      expect(log.edges[0].node.deliveredAt).not.toBeNull();
      expect(log.pageInfo).toEqual({ hasNextPage: false, endCursor: log.edges[0].cursor });
    } finally {
      await receiver.close();
    }
  });

  it("a URL that is not one comes back as BAD_USER_INPUT in errors, nothing created", async () => {
    const res = await t.gql(CREATE, { input: { url: "not a url" } }, who.headers.admin);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createWebhook).toEqual({
      webhook: null,
      secret: null,
      errors: [{ code: "BAD_USER_INPUT", field: ["input", "url"] }],
    });
  });
});

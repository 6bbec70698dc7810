import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../../src/webhooks/dispatcher.js";
import { signPayload } from "../../src/webhooks/signature.js";
import { engines, useEngine } from "../store/engines.js";
import { appendEvents, eventually, newEvent, seedKeys } from "./fixtures.js";

/**
 * examples/webhook-receiver/receiver.mjs, the receiver the partner guide tells partners to copy, run as they would
 * run it (`node receiver.mjs`), receiving real deliveries from the dispatcher: it must accept the gateway's
 * signature, refuse a forged, tampered or stale one, and handle a repeated event once.
 */
const RECEIVER = fileURLToPath(new URL("../../examples/webhook-receiver/receiver.mjs", import.meta.url));
const SECRET = `whsec_${randomBytes(32).toString("base64url")}`;

describe("examples/webhook-receiver/receiver.mjs", () => {
  const ctx = useEngine(engines[0]!);
  let child: ChildProcess;
  let url: string;
  let output = "";

  beforeAll(async () => {
    child = spawn(process.execPath, [RECEIVER], { env: { PATH: process.env.PATH, WEBHOOK_SECRET: SECRET, PORT: "0" } });
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    url = await eventually(async () => /listening on (\S+)/.exec(output)?.[1], 10_000, "the receiver to listen");
  });
  afterAll(() => {
    child.kill();
  });

  const post = (body: string, signature: string) =>
    fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "x-license-gateway-signature": signature } });

  it("accepts the dispatcher's signed deliveries and hands each event to its handler", async () => {
    const keys = await seedKeys(ctx.store);
    await ctx.store.webhooks.create({ id: `wh_${randomBytes(8).toString("hex")}`, keyId: keys.admin.id, url, secret: SECRET, types: null });
    const dispatcher = new WebhookDispatcher({
      store: ctx.store,
      logger: pino({ level: "silent" }),
      maxAttempts: 1,
      timeoutMs: 5_000,
      maxParallel: 2,
      allowPrivateAddresses: true,
      pollIntervalMs: 25,
    });
    dispatcher.start();
    const [event] = await appendEvents(ctx.store, newEvent(keys.c1, { type: "BLOCKED", status: "BLOCKED", previousStatus: "ACTIVE" }));
    await dispatcher.enqueue([event!]);
    await eventually(
      async () => (output.includes(`event ${event!.cursor}: BLOCKED`) ? true : undefined),
      10_000,
      "the event to be handled",
    );
    await dispatcher.close();
    const [row] = (await ctx.store.webhooks.deliveries((await ctx.store.webhooks.list())[0]!.id, 10)).rows;
    expect(row).toMatchObject({ state: "delivered", lastStatus: 204 });
  });

  it("refuses a forged, tampered, stale or missing signature with 401, and handles a repeated event once", async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ version: 1, id: "900001", type: "CLAIMED", licenseId: "sofar:K", customerId: "c", status: "ACTIVE" });
    expect((await post(body, signPayload("whsec_wrong", body, now))).status).toBe(401);
    expect((await post(body.replace("CLAIMED", "RELEASED"), signPayload(SECRET, body, now))).status).toBe(401);
    expect((await post(body, signPayload(SECRET, body, now - 600))).status).toBe(401);
    expect((await fetch(url, { method: "POST", body })).status).toBe(401);

    expect((await post(body, signPayload(SECRET, body, now))).status).toBe(204);
    expect((await post(body, signPayload(SECRET, body, now + 1))).status).toBe(204);
    expect(output.split("event 900001:").length - 1).toBe(1);
  });
});

describe("the partner guide's verifySignature (docs/partners.md#verifying-a-delivery)", () => {
  it("verifies what the gateway signs and refuses what it must", async () => {
    const guide = readFileSync(new URL("../../docs/partners.md", import.meta.url), "utf8");
    const section = guide.slice(guide.indexOf("### Verifying a delivery"));
    const code = /```js\n([\s\S]*?)```/.exec(section)![1]!;
    const file = join(mkdtempSync(join(tmpdir(), "guide-")), "verify.mjs");
    writeFileSync(file, `${code}\nexport { verifySignature };\n`);
    const { verifySignature } = (await import(pathToFileURL(file).href)) as {
      verifySignature: (secret: string, body: string, header: string | undefined, now?: number) => boolean;
    };
    const body = '{"version":1,"id":"7"}';
    const t = Math.floor(Date.now() / 1000);
    expect(verifySignature(SECRET, body, signPayload(SECRET, body, t))).toBe(true);
    expect(verifySignature(SECRET, body, `${signPayload("whsec_old", body, t)},v1=${signPayload(SECRET, body, t).split("v1=")[1]}`)).toBe(
      true,
    );
    expect(verifySignature("whsec_other", body, signPayload(SECRET, body, t))).toBe(false);
    expect(verifySignature(SECRET, `${body} `, signPayload(SECRET, body, t))).toBe(false);
    expect(verifySignature(SECRET, body, signPayload(SECRET, body, t - 301))).toBe(false);
    expect(verifySignature(SECRET, body, signPayload(SECRET, body, t + 301))).toBe(false);
    expect(verifySignature(SECRET, body, undefined)).toBe(false);
    expect(verifySignature(SECRET, body, "t=1,v1=zz")).toBe(false);
  });
});

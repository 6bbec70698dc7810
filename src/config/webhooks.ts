import { z } from "zod";

/** Webhook delivery (issue 16): src/webhooks/. Its own file so schema.ts only names it. */
export const webhooksSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "Deliver license events to the webhooks API keys register. On by default: with nothing to deliver it costs one " +
          "indexed read a second. Off: events are still queued for each webhook, and sent once it is turned on again.",
      ),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(8)
      .describe(
        "Attempts at one delivery, the first included, before it is dead (kept in the delivery log, never sent again). " +
          "Retries wait up to 10 s, 20 s, 40 s... doubling to 1 h, at random below that (8 attempts: about 21 min at most).",
      ),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(10_000)
      .describe("The longest (ms) one attempt may take, connecting to the end of the receiver's answer; then it counts as failed."),
    maxParallel: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(8)
      .describe(
        "Webhooks delivered to at once. Each webhook has one request in flight at most, so a receiver that hangs holds only " +
          "its own slot until `timeoutMs`.",
      ),
    allowPrivateAddresses: z
      .boolean()
      .default(false)
      .describe(
        "Let webhook URLs lead to loopback, private, link-local or reserved addresses (127.0.0.1, 10.x, 169.254.169.254...). " +
          "Off, a webhook whose host resolves to one is refused at creation and at every connection (server-side request " +
          "forgery). On only for the demo and tests, whose receivers run on 127.0.0.1.",
      ),
  })
  .prefault({})
  .describe("Webhooks: license events POSTed, signed, to the URLs API keys register, with retries and a dead-letter state.");

export type WebhooksConfig = z.infer<typeof webhooksSchema>;

import { z } from "zod";

/** License event subscriptions over Server-Sent Events (issue 16): src/server/sse/, src/events/. Its own file so schema.ts only names it. */
export const subscriptionsSchema = z
  .strictObject({
    maxConnectionsPerPrincipal: z
      .number()
      .int()
      .positive()
      .max(10_000)
      .default(10)
      .describe(
        "Event streams (`licenseEvents` over text/event-stream) one API key or JWT subject may hold open at once on one " +
          "replica; one more is refused with SUBSCRIPTION_LIMIT_REACHED (HTTP 429).",
      ),
    heartbeatMs: z
      .number()
      .int()
      .min(1_000)
      .max(300_000)
      .default(15_000)
      .describe("How often (ms) an idle stream gets a comment line, so proxies and load balancers do not close it."),
    bufferSize: z
      .number()
      .int()
      .positive()
      .max(1_000_000)
      .default(1_000)
      .describe(
        "Live events that may wait for one subscriber. Past it the stream re-reads the store at the subscriber's pace; if " +
          "it overflows again before the subscriber caught up, the stream ends with SUBSCRIBER_TOO_SLOW (it resumes from its last cursor).",
      ),
    catchUpIntervalMs: z
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(15_000)
      .describe(
        "With several replicas (`cache.url`): how often (ms) each checks the store for events whose announcement it missed " +
          "(Redis pub/sub drops messages while it reconnects).",
      ),
  })
  .default({ maxConnectionsPerPrincipal: 10, heartbeatMs: 15_000, bufferSize: 1_000, catchUpIntervalMs: 15_000 })
  .describe("Subscriptions to license events over Server-Sent Events (`licenseEvents`; docs/partners.md).");

export type SubscriptionsConfig = z.infer<typeof subscriptionsSchema>;

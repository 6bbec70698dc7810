import { z } from "zod";

/** The sync of the license index (issue 16): src/sync/. Its own file so schema.ts only names it. */
export const syncSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "Mirror every mapped account's licenses into the license index and report what changed (the change feed). Off " +
          "by default: it reads every account of every source on each interval. The demo turns it on.",
      ),
    intervalMs: z
      .number()
      .int()
      .min(1_000)
      .max(86_400_000)
      .default(60_000)
      .describe("How often (ms) each source is read whole; a change at a vendor is reported within about this long."),
    jitter: z
      .number()
      .min(0)
      .max(0.5)
      .default(0.1)
      .describe("Each wait is the interval ± this share of it, at random, so sources and replicas do not all call at once."),
    maxBackoffMs: z
      .number()
      .int()
      .min(1_000)
      .max(86_400_000)
      .default(900_000)
      .describe("While a source's sync fails, the wait doubles from the interval on, up to this (ms); one success resets it."),
    accountsPerBatch: z
      .number()
      .int()
      .positive()
      .max(1_000)
      .default(50)
      .describe(
        "Accounts read per batch: what one sync holds in memory at once, whatever the number of customers. The source's own " +
          "limits (maxConcurrent, its circuit breaker) still apply to the calls of a batch.",
      ),
    expiringThresholdsDays: z
      .array(z.number().int().positive().max(3_650))
      .default([30, 7])
      .describe("An EXPIRING event fires when a license's expiry comes within each of these many days (once per threshold)."),
    retentionDays: z
      .number()
      .int()
      .positive()
      .max(3_650)
      .default(30)
      .describe("How long (days) events are kept for clients resuming or paging; older ones are removed by the sync."),
    sources: z
      .record(
        z.string(),
        z
          .strictObject({
            intervalMs: z.number().int().min(1_000).max(86_400_000).optional().describe("This source's interval (ms)."),
          })
          .describe("One source's own settings, by source id."),
      )
      .default({})
      .describe("Per-source settings overriding the ones above, by source id."),
  })
  .prefault({})
  .describe(
    "The license index and change feed: a background sync per source (one replica at a time, through a lease in the " +
      "store), within each source's limits.",
  );

export type SyncConfig = z.infer<typeof syncSchema>;

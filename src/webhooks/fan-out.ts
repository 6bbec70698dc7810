import { matchesEventFilter, type LicenseEvent } from "../domain/license-events.js";
import type { ApiKeyRow } from "../store/api-keys.js";
import type { Store } from "../store/store.js";
import { keyReaches } from "./reach.js";

/** What fan-out reads and writes: the active webhooks and their keys, and the delivery queue. */
export type FanOutStore = { webhooks: Pick<Store["webhooks"], "list" | "enqueue">; apiKeys: Pick<Store["apiKeys"], "get"> };

/**
 * Queues one delivery per (webhook, event) the webhook wants (its types) and its key may see (reach.ts), for
 * events just committed. Enqueueing is idempotent (unique per webhook and cursor), so handing the same events
 * over twice (a replica's bus and its own commit) queues each delivery once. Returns how many were queued.
 */
export async function fanOut(store: FanOutStore, events: readonly LicenseEvent[], now: Date): Promise<number> {
  if (events.length === 0) return 0;
  const webhooks = await store.webhooks.list();
  if (webhooks.length === 0) return 0;
  const keys = new Map<string, ApiKeyRow | null>();
  for (const keyId of new Set(webhooks.map((w) => w.keyId))) keys.set(keyId, await store.apiKeys.get(keyId));
  const deliveries: Array<{ webhookId: string; cursor: number }> = [];
  for (const webhook of webhooks) {
    const key = keys.get(webhook.keyId);
    if (!key) continue;
    const filter = { types: webhook.types ?? undefined };
    for (const event of events) {
      if (matchesEventFilter(event, filter) && keyReaches(key, event)) deliveries.push({ webhookId: webhook.id, cursor: event.cursor });
    }
  }
  return deliveries.length === 0 ? 0 : store.webhooks.enqueue(deliveries, now);
}

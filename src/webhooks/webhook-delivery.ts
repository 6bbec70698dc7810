import type { WebhooksConfig } from "../config/webhooks.js";
import type { LicenseEvent, LicenseEventFilter } from "../domain/license-events.js";
import type { Logger } from "../logger.js";
import { WebhookDispatcher, type DeliveryOutcome, type DispatcherStore } from "./dispatcher.js";

/** Where committed events come from: the event bus's `subscribe` (src/events/event-bus.ts), on every replica. */
export type SubscribeToEvents = (filter: LicenseEventFilter, onEvents: (events: readonly LicenseEvent[]) => void) => () => void;

export interface WebhookDelivery {
  readonly dispatcher: WebhookDispatcher;
  /** Stops listening, then waits for the deliveries in flight (each bounded by `webhooks.timeoutMs`). */
  close(): Promise<void>;
}

/**
 * Webhooks as a gateway runs them: every committed event the bus hands over is fanned out into deliveries, and the
 * dispatcher sends them. With `webhooks.enabled` off, deliveries are still queued but none is sent, so turning it
 * on later sends what was missed. Close it before the store.
 */
export function startWebhookDelivery(
  config: WebhooksConfig,
  deps: { store: DispatcherStore; logger: Logger; subscribe: SubscribeToEvents; onOutcome?: (outcome: DeliveryOutcome) => void },
): WebhookDelivery {
  const dispatcher = new WebhookDispatcher({ ...config, store: deps.store, logger: deps.logger, onOutcome: deps.onOutcome });
  const unsubscribe = deps.subscribe({}, (events) => {
    // The store unreachable: this replica does not queue these deliveries (another replica's bus queues them too,
    // when there is one). The error is logged; the events themselves stay in the store's log.
    dispatcher.enqueue(events).catch((error: unknown) => deps.logger.error({ err: error }, "webhook deliveries could not be queued"));
  });
  if (config.enabled) dispatcher.start();
  return {
    dispatcher,
    close: async () => {
      unsubscribe();
      await dispatcher.close();
    },
  };
}

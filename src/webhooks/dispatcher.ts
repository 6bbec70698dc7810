import { randomUUID } from "node:crypto";
import { Agent, errors as undiciErrors } from "undici";
import type { LicenseEvent } from "../domain/license-events.js";
import type { Logger } from "../logger.js";
import type { ApiKeyRow } from "../store/api-keys.js";
import type { Store } from "../store/store.js";
import type { DeliveryRow, WebhookRow } from "../store/webhooks.js";
import { isPrivateLiteral, PrivateAddressError, publicOnlyLookup } from "./address-guard.js";
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffOptions } from "./backoff.js";
import { fanOut } from "./fan-out.js";
import { webhookBody } from "./payload.js";
import { keyReaches } from "./reach.js";
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signPayload } from "./signature.js";

/**
 * Why an attempt failed, as the delivery log records it (`lastErrorCode`). The receiver's answer itself is never
 * kept: only its status.
 */
export type DeliveryErrorCode =
  /** The receiver answered, but not 2xx (`lastStatus` says what). Redirects are not followed. */
  | "RECEIVER_STATUS"
  /** No complete answer within `webhooks.timeoutMs`. */
  | "TIMEOUT"
  /** The connection failed (refused, reset, TLS, DNS). */
  | "CONNECTION_FAILED"
  /** The host resolved to a private address, and `webhooks.allowPrivateAddresses` is off. */
  | "ADDRESS_REFUSED"
  /** Dead at once: the event was pruned (retention), the webhook disabled, or its key revoked or no longer granted the customer. */
  | "EVENT_GONE"
  | "WEBHOOK_DISABLED"
  | "OUT_OF_REACH";

export type DeliveryOutcome = "delivered" | "retry" | "dead";

/** What the dispatcher reads and writes. */
export type DispatcherStore = {
  webhooks: Pick<Store["webhooks"], "get" | "list" | "due" | "markDelivered" | "markFailed" | "enqueue">;
  licenseEvents: Pick<Store["licenseEvents"], "after">;
  apiKeys: Pick<Store["apiKeys"], "get">;
  leases: Pick<Store["leases"], "tryAcquire" | "release">;
};

export interface DispatcherOptions {
  store: DispatcherStore;
  logger: Logger;
  /** Attempts in all before a delivery is dead (`webhooks.maxAttempts`). */
  maxAttempts: number;
  /** One attempt's limit, connection to the end of the answer (`webhooks.timeoutMs`). */
  timeoutMs: number;
  /** Webhooks delivered to at once; each has at most one request in flight (`webhooks.maxParallel`). */
  maxParallel: number;
  /** Off: hosts resolving to loopback or private addresses are refused at each connection (`webhooks.allowPrivateAddresses`). */
  allowPrivateAddresses: boolean;
  /** The retry delays; default 10 s doubling to 1 h, with full jitter (backoff.ts). Tests make them short. */
  backoff?: Omit<BackoffOptions, "maxAttempts">;
  /** How often (ms) due deliveries are looked for when nothing kicks the dispatcher: retries come due this way. Default 1000. */
  pollIntervalMs?: number;
  /** Deliveries read per webhook at a time. Default 20. */
  batchSize?: number;
  /** Counted per attempt's outcome (metrics). */
  onOutcome?: (outcome: DeliveryOutcome) => void;
  /** The clock. Default: the current time. */
  now?: () => Date;
}

/**
 * The lease only one replica delivers under, so two replicas do not POST the same due delivery at once. Receivers
 * must drop repeats by event id all the same (the partner guide says so): a replica that stalls past the lease may
 * overlap once with the one that took it over.
 */
const LEASE = "webhook-dispatcher";

/**
 * The delivery worker. Reads due deliveries, signs and POSTs each, and records how it went: 2xx is delivered;
 * anything else is tried again after a backoff, and dead after `maxAttempts`.
 *
 * One slow receiver never delays the others: each webhook has its own lane, which sends that webhook's
 * deliveries one at a time, and at most `maxParallel` lanes run at once; a receiver that hangs ties up only its own
 * lane, until the timeout. A lane stops at its webhook's first failure and the webhook rests until that delivery's
 * next attempt, so a receiver that is down is not sent its whole backlog again on every pass.
 */
export class WebhookDispatcher {
  private readonly agent: Agent;
  private readonly lanes = new Map<string, Promise<void>>();
  /** Webhook id -> when (epoch ms) its lane may run again, after a failure. */
  private readonly resting = new Map<string, number>();
  private readonly holder = randomUUID();
  private readonly now: () => Date;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private scanAgain = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? (() => new Date());
    this.batchSize = options.batchSize ?? 20;
    this.agent = new Agent({
      // One request per lane, so as many connections as lanes: no lane waits for a connection another one holds
      // (two webhooks may share a host).
      connections: Math.max(1, options.maxParallel),
      connect: {
        timeout: Math.min(options.timeoutMs, 5_000),
        ...(options.allowPrivateAddresses ? {} : { lookup: publicOnlyLookup }),
      },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  /** Starts polling for due deliveries; the timer does not keep the process alive. */
  start(): void {
    if (this.timer !== undefined || this.closing) return;
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalMs ?? 1_000);
    this.timer.unref();
    this.kick();
  }

  /** Looks for due deliveries now (after new ones were enqueued), rather than at the next poll; nothing before `start`. */
  kick(): void {
    if (this.closing || this.timer === undefined) return;
    if (this.scanning) {
      this.scanAgain = true;
      return;
    }
    this.scanning = this.scan()
      .catch((error: unknown) => this.options.logger.error({ err: error }, "webhook dispatch failed; trying again at the next poll"))
      .finally(() => {
        this.scanning = undefined;
        if (this.scanAgain) {
          this.scanAgain = false;
          this.kick();
        }
      });
  }

  /**
   * Queues the deliveries `events` call for (fan-out.ts) and, once started, sends them at once. Returns how many were
   * queued. Called with every committed event, on every replica (the bus carries them all): each delivery is queued
   * once whoever queues it first, and one replica sends it.
   */
  async enqueue(events: readonly LicenseEvent[]): Promise<number> {
    const queued = await fanOut(this.options.store, events, this.now());
    if (queued > 0) this.kick();
    return queued;
  }

  /** Stops polling and waits for the deliveries in flight (each bounded by the timeout); once. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      clearInterval(this.timer);
      await this.scanning;
      await Promise.allSettled([...this.lanes.values()]);
      await this.options.store.leases.release(LEASE, this.holder).catch(() => {});
      await this.agent.close();
    })());
  }

  /** Starts a lane for each webhook with due deliveries that has none running and is not resting, up to maxParallel. */
  private async scan(): Promise<void> {
    if (this.lanes.size >= this.options.maxParallel) return;
    const { store, pollIntervalMs = 1_000 } = this.options;
    const now = this.now();
    const limit = this.options.maxParallel * this.batchSize;
    // Webhooks with a lane running while due() reads: the rows read for them may be sent by that lane meanwhile,
    // even if it has ended by the time they are looked at, so they are left to the next scan.
    const busy = new Set(this.lanes.keys());
    const due = await store.webhooks.due(now, limit);
    // The lease only when there is work: an idle gateway reads one index a poll and writes nothing.
    if (due.length === 0 || !(await store.leases.tryAcquire(LEASE, this.holder, Math.max(30_000, 3 * pollIntervalMs)))) return;
    const byWebhook = new Map<string, DeliveryRow[]>();
    for (const delivery of due) {
      if (busy.has(delivery.webhookId) || !this.free(delivery.webhookId, now)) continue;
      const list = byWebhook.get(delivery.webhookId) ?? [];
      list.push(delivery);
      byWebhook.set(delivery.webhookId, list);
    }
    // A full page all of busy or resting webhooks may hide others' due deliveries behind it: ask each free webhook.
    if (byWebhook.size === 0 && due.length === limit) {
      for (const webhook of await store.webhooks.list()) {
        if (byWebhook.size + this.lanes.size >= this.options.maxParallel) break;
        if (!this.free(webhook.id, now)) continue;
        const own = await store.webhooks.due(now, this.batchSize, webhook.id);
        if (own.length > 0) byWebhook.set(webhook.id, own);
      }
    }
    for (const [webhookId, deliveries] of byWebhook) {
      if (this.lanes.size >= this.options.maxParallel) break;
      const lane = this.lane(webhookId, deliveries.slice(0, this.batchSize))
        .catch((error: unknown) => this.options.logger.error({ err: error, webhookId }, "webhook lane failed"))
        .finally(() => {
          this.lanes.delete(webhookId);
          // A lane that ends frees a slot another webhook may be waiting for.
          this.kick();
        });
      this.lanes.set(webhookId, lane);
    }
  }

  private free(webhookId: string, now: Date): boolean {
    if (this.lanes.has(webhookId)) return false;
    const until = this.resting.get(webhookId);
    if (until === undefined) return true;
    if (until > now.getTime()) return false;
    this.resting.delete(webhookId);
    return true;
  }

  /** One webhook's deliveries, one at a time, until none is due, the webhook fails, or the dispatcher closes. */
  private async lane(webhookId: string, first: DeliveryRow[]): Promise<void> {
    const { store } = this.options;
    const webhook = await store.webhooks.get(webhookId);
    // Read once per lane: a grant revoked while a lane runs stops it at the next lane, within seconds.
    const key = webhook ? await store.apiKeys.get(webhook.keyId) : null;
    let batch = first;
    while (batch.length > 0 && !this.closing) {
      for (const delivery of batch) {
        if (this.closing) return;
        const resumeAt = await this.deliver(delivery, webhook, key);
        if (resumeAt !== null) {
          this.resting.set(webhookId, resumeAt.getTime());
          return;
        }
      }
      batch = await store.webhooks.due(this.now(), this.batchSize, webhookId);
    }
  }

  /** One attempt at one delivery. Returns null to go on with the webhook's next delivery, or when its lane may run again. */
  private async deliver(delivery: DeliveryRow, webhook: WebhookRow | null, key: ApiKeyRow | null): Promise<Date | null> {
    const { store } = this.options;
    if (webhook === null || webhook.disabledAt !== null) return this.dead(delivery, "WEBHOOK_DISABLED");
    const [event] = await store.licenseEvents.after(delivery.cursor - 1, {}, 1);
    if (event === undefined || event.cursor !== delivery.cursor) return this.dead(delivery, "EVENT_GONE");
    if (key === null || !keyReaches(key, event)) return this.dead(delivery, "OUT_OF_REACH");

    const result = await this.post(webhook, event);
    const at = this.now();
    if (result.status !== null && result.status >= 200 && result.status < 300) {
      await store.webhooks.markDelivered(delivery.id, { at, status: result.status });
      this.options.onOutcome?.("delivered");
      return null;
    }
    const attempts = delivery.attempts + 1;
    const delay = retryDelayMs(attempts, { ...this.options.backoff, maxAttempts: this.options.maxAttempts });
    const nextAttemptAt = delay === null ? null : new Date(at.getTime() + delay);
    await store.webhooks.markFailed(delivery.id, { at, status: result.status, code: result.code, nextAttemptAt });
    this.options.onOutcome?.(nextAttemptAt === null ? "dead" : "retry");
    // Status and code only: the receiver's answer and the URL (which may carry a token in its query) stay out of the log.
    this.options.logger.warn(
      { webhookId: webhook.id, deliveryId: delivery.id, cursor: delivery.cursor, attempts, status: result.status, code: result.code },
      nextAttemptAt === null ? "webhook delivery dead after its last attempt" : "webhook delivery failed; will retry",
    );
    // The webhook rests until this delivery's next attempt; a dead one, for the first retry's delay.
    return nextAttemptAt ?? new Date(at.getTime() + (this.options.backoff?.baseMs ?? DEFAULT_BACKOFF.baseMs));
  }

  private async dead(delivery: DeliveryRow, code: DeliveryErrorCode): Promise<null> {
    await this.options.store.webhooks.markFailed(delivery.id, { at: this.now(), status: null, code, nextAttemptAt: null });
    this.options.onOutcome?.("dead");
    return null;
  }

  /** Signs and sends the event; the receiver's status, or why none came. Its body is read and dropped. */
  private async post(webhook: WebhookRow, event: LicenseEvent): Promise<{ status: number | null; code: DeliveryErrorCode }> {
    const url = new URL(webhook.url);
    // An IP literal is not looked up, so publicOnlyLookup never sees it: checked here instead.
    if (!this.options.allowPrivateAddresses && isPrivateLiteral(url)) return { status: null, code: "ADDRESS_REFUSED" };
    const body = webhookBody(event);
    const timestamp = Math.floor(this.now().getTime() / 1000);
    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "license-gateway-webhooks/1",
          [SIGNATURE_HEADER]: signPayload(webhook.secret, body, timestamp),
          [EVENT_ID_HEADER]: String(event.cursor),
          [EVENT_TYPE_HEADER]: event.type,
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      // Read (up to a bound) and dropped, so the connection can be reused; never stored or logged.
      await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
      return { status: res.statusCode, code: "RECEIVER_STATUS" };
    } catch (error) {
      return { status: null, code: failureCode(error) };
    }
  }
}

function failureCode(error: unknown): DeliveryErrorCode {
  if (error instanceof PrivateAddressError || (error as { cause?: unknown })?.cause instanceof PrivateAddressError)
    return "ADDRESS_REFUSED";
  const name = (error as Error | undefined)?.name;
  if (
    name === "TimeoutError" ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return "TIMEOUT";
  }
  return "CONNECTION_FAILED";
}

import { randomBytes } from "node:crypto";
import type { Principal } from "../auth/principal.js";
import { LICENSE_EVENT_TYPES, type LicenseEventType } from "../domain/license-events.js";
import { badInput, GatewayError } from "../errors/gateway-error.js";
import type { AuditedWriter, UserErrorView } from "../federation/mutations/audited.js";
import { checkId, checkOptionalInt } from "../federation/validate.js";
import type { DeliveryPage, WebhookRow } from "../store/webhooks.js";
import { checkWebhookUrl, type ResolveHost } from "./address-guard.js";

export interface CreateWebhookInput {
  /** The API key the webhook belongs to and whose reach decides what it is sent. Default: the caller's own key. */
  keyId?: string | null;
  url: string;
  /** The event types it wants; null or absent for all of them. */
  types?: readonly LicenseEventType[] | null;
}
export interface DisableWebhookInput {
  id: string;
}
export interface ListWebhooksInput {
  /** An admin's filter; anyone else sees only its own key's webhooks, whatever this says. */
  keyId?: string | null;
  includeDisabled?: boolean | null;
}
export interface DeliveryLogInput {
  webhookId: string;
  first?: number | null;
  after?: string | null;
}

/** A webhook as listed: never its secret, which its creator saw once. */
export type WebhookInfo = Omit<WebhookRow, "secret">;

export interface CreateWebhookResult {
  webhook: WebhookInfo | null;
  /** `whsec_<base64url of 32 random bytes>`, the key receivers verify signatures with: shown here once, never again. */
  secret: string | null;
  errors: UserErrorView[];
}
export interface WebhookResult {
  webhook: WebhookInfo | null;
  errors: UserErrorView[];
}

export interface WebhookAdminOptions {
  /** `webhooks.allowPrivateAddresses`: whether a URL may lead to loopback or private addresses. */
  allowPrivateAddresses: boolean;
  /** How hosts are resolved for that check; default DNS (tests resolve names their own way). */
  resolve?: ResolveHost;
}

/** Active webhooks one key may have: enough for a few environments, bounded so one key cannot multiply deliveries. */
export const MAX_WEBHOOKS_PER_KEY = 10;
export const MAX_DELIVERY_PAGE = 100;
const DEFAULT_DELIVERY_PAGE = 20;

/**
 * Registering, listing and disabling webhooks, and reading their delivery log (issue 16). Webhooks belong to API
 * keys: an admin manages any key's; a partner or customer key only its own (it is sent what it may read, nothing
 * more: src/webhooks/reach.ts). A caller without an API key (a JWT, or auth off) is an admin naming the key, or
 * refused. Writes are audited like every mutation (the audit keeps ids, never the secret); their expected failures
 * come back in the payload's `errors`, coded, with the field. Reads throw coded errors. A webhook the caller may
 * not manage is NOT_FOUND, the same as one that does not exist.
 */
export class WebhookAdmin {
  constructor(
    private readonly writer: AuditedWriter,
    private readonly principal: Principal,
    private readonly options: WebhookAdminOptions,
  ) {}

  createWebhook(input: CreateWebhookInput): Promise<CreateWebhookResult> {
    return this.writer.withPayload<CreateWebhookResult, { keyId: string; url: string; types: LicenseEventType[] | null }>(
      "createWebhook",
      input,
      { webhook: null, secret: null },
      () => this.mayCreate(input),
      (checked) =>
        this.writer.commit("createWebhook", input, async (tx) => {
          if ((await tx.webhooks.list(checked.keyId)).length >= MAX_WEBHOOKS_PER_KEY) {
            throw badInput(["input", "keyId"], `a key has at most ${MAX_WEBHOOKS_PER_KEY} active webhooks; disable one first`);
          }
          const secret = `whsec_${randomBytes(32).toString("base64url")}`;
          const row = await tx.webhooks.create({ id: `wh_${randomBytes(8).toString("hex")}`, ...checked, secret });
          return { webhook: infoOf(row), secret, errors: [] };
        }),
    );
  }

  /** Disabling twice is not an error; the first time stays. Its pending deliveries are no longer sent. */
  disableWebhook(input: DisableWebhookInput): Promise<WebhookResult> {
    return this.writer.withPayload<WebhookResult>(
      "disableWebhook",
      input,
      { webhook: null },
      () => {
        checkId(input.id, ["input", "id"], "a webhook id");
      },
      () =>
        this.writer.commit("disableWebhook", input, async (tx) => {
          await this.manageable(await tx.webhooks.get(input.id), ["input", "id"]);
          return { webhook: infoOf((await tx.webhooks.disable(input.id))!), errors: [] };
        }),
    );
  }

  /** The webhooks the caller manages (an admin: all, or one key's), oldest first. */
  async listWebhooks(input: ListWebhooksInput = {}): Promise<WebhookInfo[]> {
    const options = { includeDisabled: input.includeDisabled ?? false };
    if (this.principal.role === "admin") {
      const keyId = input.keyId ?? undefined;
      if (keyId !== undefined) checkId(keyId, ["keyId"], "an API key id");
      return (await this.writer.store.webhooks.list(keyId, options)).map(infoOf);
    }
    const own = this.ownKeyId();
    if (own === null) return [];
    return (await this.writer.store.webhooks.list(own, options)).map(infoOf);
  }

  /** One webhook's deliveries, newest event first: what was sent, when, how the receiver answered (status only). */
  async deliveries(input: DeliveryLogInput): Promise<DeliveryPage> {
    checkId(input.webhookId, ["webhookId"], "a webhook id");
    checkOptionalInt(input.first, ["first"], 0, MAX_DELIVERY_PAGE);
    const webhook = await this.manageable(await this.writer.store.webhooks.get(input.webhookId), ["webhookId"]);
    return this.writer.store.webhooks.deliveries(webhook.id, input.first ?? DEFAULT_DELIVERY_PAGE, input.after ?? undefined);
  }

  /** Validation and authorization of a new webhook: reads only (the key, and the URL's host when it must be public). */
  private async mayCreate(input: CreateWebhookInput): Promise<{ keyId: string; url: string; types: LicenseEventType[] | null }> {
    const keyId = await this.targetKey(input.keyId ?? null);
    if (typeof input.url !== "string") throw badInput(["input", "url"], "a webhook URL is required");
    const url = await checkWebhookUrl(input.url, ["input", "url"], this.options);
    return { keyId, url: url.href, types: checkTypes(input.types ?? null) };
  }

  /** The key a new webhook belongs to: the caller's own, or, for an admin, the active key it names. */
  private async targetKey(named: string | null): Promise<string> {
    const own = this.ownKeyId();
    if (named === null) {
      if (own !== null) return own;
      if (this.principal.role === "admin") throw badInput(["input", "keyId"], "name the API key the webhook belongs to");
      throw new GatewayError("FORBIDDEN", "webhooks belong to API keys: call with an API key to manage its webhooks");
    }
    checkId(named, ["input", "keyId"], "an API key id");
    if (named === own) return own;
    if (this.principal.role !== "admin") throw new GatewayError("FORBIDDEN", "only an admin may manage another key's webhooks");
    const key = await this.writer.store.apiKeys.get(named);
    if (key === null || key.revokedAt !== null)
      throw new GatewayError("NOT_FOUND", `no active API key with id ${named}`, { field: ["input", "keyId"] });
    return key.id;
  }

  /** `webhook` when the caller may manage it; otherwise NOT_FOUND, as for one that does not exist. */
  private async manageable(webhook: WebhookRow | null, field: string[]): Promise<WebhookRow> {
    if (webhook !== null && (this.principal.role === "admin" || webhook.keyId === this.ownKeyId())) return webhook;
    throw new GatewayError("NOT_FOUND", "no webhook with that id", { field });
  }

  /** The caller's API key id; null for a JWT or auth off. */
  private ownKeyId(): string | null {
    return this.principal.via === "api-key" ? (this.principal.documents?.apiKeyId ?? this.principal.id.replace(/^apikey:/, "")) : null;
  }
}

function checkTypes(types: readonly LicenseEventType[] | null): LicenseEventType[] | null {
  if (types === null) return null;
  if (!Array.isArray(types) || types.length === 0) {
    throw badInput(["input", "types"], "list at least one event type, or leave types out for all of them");
  }
  types.forEach((type, i) => {
    if (!LICENSE_EVENT_TYPES.includes(type)) {
      throw badInput(["input", "types", String(i)], `an event type is one of ${LICENSE_EVENT_TYPES.join(", ")}`);
    }
  });
  // Sorted in the order types are declared, without repeats: one webhook's filter always reads the same.
  return LICENSE_EVENT_TYPES.filter((type) => types.includes(type));
}

function infoOf(row: WebhookRow): WebhookInfo {
  const { secret: _secret, ...rest } = row;
  return rest;
}

import { GatewayError, badInput } from "../errors/gateway-error.js";
import type { AuditedWriter, UserErrorView } from "../federation/mutations/audited.js";
import { checkCustomerId, checkId, checkText, MAX_NAME_LENGTH } from "../federation/validate.js";
import type { ApiKeyRow } from "../store/api-keys.js";
import { generateApiKey } from "./api-keys.js";
import type { Access } from "./policy.js";
import { ROLES, type Role } from "./principal.js";

export interface CreateApiKeyInput {
  name: string;
  role: Role;
  customerId?: string | null;
  grants?: readonly string[] | null;
}
export interface RevokeApiKeyInput {
  id: string;
}
export interface GrantInput {
  apiKeyId: string;
  customerId: string;
}

/** An API key as its administrator sees it: never the secret nor its hash. */
export type ApiKeyInfo = Omit<ApiKeyRow, "keyHash">;

export interface CreateApiKeyResult {
  apiKey: ApiKeyInfo | null;
  /** The whole key (`lgw_<id>_<secret>`), shown once: only its hash is kept. */
  secret: string | null;
  errors: UserErrorView[];
}
export interface ApiKeyResult {
  apiKey: ApiKeyInfo | null;
  errors: UserErrorView[];
}

/** What createApiKey's check settled: the key's customer and grants. */
interface NewKey {
  customerId: string | null;
  grants: string[];
}

/** The most customers one partner key may be granted at creation; more can be granted one by one. */
const MAX_GRANTS = 1000;

/**
 * Creating, revoking and granting API keys: admins only, audited like every mutation (the CLI goes through
 * here too, as principal `cli`). Failures come back in the payload's `errors`.
 */
export class ApiKeyAdmin {
  constructor(
    private readonly writer: AuditedWriter,
    private readonly access: Pick<Access, "requireAdmin">,
  ) {}

  list(): Promise<ApiKeyInfo[]> {
    this.access.requireAdmin("list API keys");
    return this.writer.store.apiKeys.list().then((rows) => rows.map(infoOf));
  }

  createApiKey(input: CreateApiKeyInput): Promise<CreateApiKeyResult> {
    return this.writer.withPayload<CreateApiKeyResult, NewKey>(
      "createApiKey",
      input,
      { apiKey: null, secret: null },
      () => this.mayCreate(input),
      ({ customerId, grants }) => {
        const key = generateApiKey();
        return this.writer.commit("createApiKey", input, async (tx) => {
          const row = await tx.apiKeys.insert({ id: key.id, name: input.name, role: input.role, customerId, keyHash: key.hash, grants });
          return { apiKey: infoOf(row), secret: key.token, errors: [] };
        });
      },
    );
  }

  private mayCreate(input: CreateApiKeyInput): NewKey {
    this.access.requireAdmin("create API keys");
    checkText(input.name, ["input", "name"], "a key name", MAX_NAME_LENGTH);
    if (!ROLES.includes(input.role)) throw badInput(["input", "role"], `role must be one of ${ROLES.join(", ")}`);
    const customerId = input.customerId ?? null;
    if (customerId !== null) checkCustomerId(customerId, ["input", "customerId"]);
    if (input.role === "customer" && customerId === null)
      throw badInput(["input", "customerId"], "a customer key needs the customer it acts as");
    if (input.role !== "customer" && customerId !== null)
      throw badInput(["input", "customerId"], `a ${input.role} key acts for no single customer; omit customerId`);
    const grants = [...new Set(input.grants ?? [])];
    if (input.role !== "partner" && grants.length > 0) throw badInput(["input", "grants"], "only partner keys are granted customers");
    if (grants.length > MAX_GRANTS) throw badInput(["input", "grants"], `at most ${MAX_GRANTS} grants at creation`);
    grants.forEach((id, i) => checkCustomerId(id, ["input", "grants", String(i)]));
    return { customerId, grants };
  }

  /** Revoking twice is not an error; the first revocation's time stays. */
  revokeApiKey(input: RevokeApiKeyInput): Promise<ApiKeyResult> {
    const check = () => {
      this.access.requireAdmin("revoke API keys");
      checkId(input.id, ["input", "id"], "an API key id");
    };
    return this.writer.withPayload<ApiKeyResult>("revokeApiKey", input, { apiKey: null }, check, () => {
      return this.writer.commit("revokeApiKey", input, async (tx) => ({
        apiKey: infoOf(await existingKey(tx.apiKeys.revoke(input.id), input.id, ["input", "id"])),
        errors: [],
      }));
    });
  }

  grantCustomer(input: GrantInput): Promise<ApiKeyResult> {
    return this.writer.withPayload<ApiKeyResult>(
      "grantCustomer",
      input,
      { apiKey: null },
      () => this.mayGrant(input, "grant customers"),
      () => {
        return this.writer.commit("grantCustomer", input, async (tx) => {
          const key = await existingKey(tx.apiKeys.get(input.apiKeyId), input.apiKeyId, ["input", "apiKeyId"]);
          if (key.role !== "partner")
            throw badInput(["input", "apiKeyId"], `key ${key.id} is a ${key.role} key; only partner keys are granted customers`);
          await tx.apiKeys.grant(key.id, input.customerId);
          return { apiKey: infoOf((await tx.apiKeys.get(key.id))!), errors: [] };
        });
      },
    );
  }

  /** Revoking a grant the key does not have changes nothing and is not an error. */
  revokeGrant(input: GrantInput): Promise<ApiKeyResult> {
    return this.writer.withPayload<ApiKeyResult>(
      "revokeGrant",
      input,
      { apiKey: null },
      () => this.mayGrant(input, "revoke grants"),
      () => {
        return this.writer.commit("revokeGrant", input, async (tx) => {
          const key = await existingKey(tx.apiKeys.get(input.apiKeyId), input.apiKeyId, ["input", "apiKeyId"]);
          await tx.apiKeys.revokeGrant(key.id, input.customerId);
          return { apiKey: infoOf((await tx.apiKeys.get(key.id))!), errors: [] };
        });
      },
    );
  }

  private mayGrant(input: GrantInput, what: string): void {
    this.access.requireAdmin(what);
    checkId(input.apiKeyId, ["input", "apiKeyId"], "an API key id");
    checkCustomerId(input.customerId, ["input", "customerId"]);
  }
}

/** The key a store call returned; NOT_FOUND naming `field` when there was none. */
export async function existingKey(pending: Promise<ApiKeyRow | null>, id: string, field: string[]): Promise<ApiKeyRow> {
  const row = await pending;
  if (!row) throw new GatewayError("NOT_FOUND", `no API key with id ${id}`, { field });
  return row;
}

/** What an administrator sees of a stored key. */
export function infoOf(row: ApiKeyRow): ApiKeyInfo {
  const { keyHash: _hash, ...rest } = row;
  return rest;
}

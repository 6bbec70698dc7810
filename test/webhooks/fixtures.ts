import { randomBytes } from "node:crypto";
import type { Principal } from "../../src/auth/principal.js";
import type { LicenseEvent, NewLicenseEvent } from "../../src/domain/license-events.js";
import type { Role } from "../../src/store/api-keys.js";
import type { Store } from "../../src/store/store.js";

/** Two customers and one key of each role (the partner granted the first customer, the customer key the second). */
export async function seedKeys(store: Store) {
  const suffix = randomBytes(3).toString("hex");
  const c1 = await store.customers.upsert({ name: `Granted ${suffix}`, accounts: [] });
  const c2 = await store.customers.upsert({ name: `Other ${suffix}`, accounts: [] });
  const key = async (role: Role, customerId: string | null, grants: string[]) => {
    const id = randomBytes(8).toString("hex");
    return store.apiKeys.insert({ id, name: `${role}-${suffix}`, role, customerId, keyHash: randomBytes(32).toString("hex"), grants });
  };
  return {
    c1: c1.id,
    c2: c2.id,
    admin: await key("admin", null, []),
    partner: await key("partner", null, [c1.id]),
    customer: await key("customer", c2.id, []),
  };
}

/** The principal an API key authenticates as (src/auth/authenticate.ts). */
export function principalOf(key: { id: string; role: Role; customerId: string | null; grants: string[] }): Principal {
  return {
    id: `apikey:${key.id}`,
    role: key.role,
    customerIds: key.role === "customer" ? [key.customerId!] : key.grants,
    via: "api-key",
    documents: { apiKeyId: key.id, locked: false, published: false },
  };
}

export function newEvent(customerId: string | null, overrides: Partial<NewLicenseEvent> = {}): NewLicenseEvent {
  return {
    type: "CLAIMED",
    at: new Date(),
    origin: "SYNC",
    source: "sofar",
    externalId: `SOFAR-${randomBytes(3).toString("hex")}`,
    customerId,
    status: "ACTIVE",
    previousStatus: null,
    nodeId: "sofar-ctrl-001",
    expiresAt: null,
    thresholdDays: null,
    ...overrides,
  };
}

export async function appendEvents(store: Store, ...events: NewLicenseEvent[]): Promise<LicenseEvent[]> {
  return store.licenseEvents.append(events);
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = "the condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { expect } from "vitest";
import type { GraphQLResponse, TestGateway } from "../../support/gateway.js";

/**
 * Shared by the per-vendor tables in this folder: each row is one documented vendor error, the GraphQL operation
 * that reaches the vendor, and what the client sees. The client sees either data with no error (a vendor "not
 * found" that is a null), a payload's `errors` (mutations' domain failures, part of `data`), or top-level GraphQL
 * errors with `extensions.code` and `extensions.source` (queries, and vendor outages during a mutation).
 */

/** One top-level GraphQL error as the client sees it. */
export interface ExpectedError {
  code: string;
  source: string;
  /** Where in the response the error sits, e.g. ["customer", "licenses"]. */
  path: (string | number)[];
  /** Only for rate limits that said how long to wait. */
  retryAfterSeconds?: number;
}

/** The whole client-visible result: `data` exactly, and the top-level errors (none when omitted). */
export interface Seen {
  data: unknown;
  errors?: ExpectedError[];
}

/**
 * Asserts the gateway's answer: HTTP 200 whatever the vendor said (the gateway never mirrors a vendor's status),
 * `data` exactly as given, and exactly the expected top-level errors, each with its code and source.
 */
export function expectClientSees(res: GraphQLResponse, seen: Seen): void {
  expect(res.status, "the gateway's HTTP status never mirrors the vendor's").toBe(200);
  expect(res.body.data).toEqual(seen.data);
  if (seen.errors === undefined) {
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    return;
  }
  expect(res.body.errors).toEqual(
    seen.errors.map((e) =>
      expect.objectContaining({
        path: e.path,
        extensions: expect.objectContaining({
          code: e.code,
          source: e.source,
          ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
        }),
      }),
    ),
  );
}

/** A payload error as the client selects it with `errors { code field source }`. */
export function payloadError(
  code: string,
  source: string | null,
  field: string[] | null,
): { code: string; field: string[] | null; source: string | null } {
  return { code, field, source };
}

/** The gateway customer mapped to `externalId` at `source` in the demo seed. */
export async function gatewayCustomerOf(t: TestGateway, source: string, externalId: string): Promise<string> {
  const account = (await t.gateway.store.customers.accountsAtSource(source)).find((a) => a.externalId === externalId);
  if (account === undefined) throw new Error(`the demo seed maps no gateway customer to ${source} account ${externalId}`);
  return account.customerId;
}

/** The account id of a gateway customer at `source` in the demo seed. */
export async function accountOf(t: TestGateway, customerId: string, source: string): Promise<string> {
  const account = (await t.gateway.store.customers.accountsOf([customerId])).find((a) => a.source === source);
  if (account === undefined) throw new Error(`the demo seed gives ${customerId} no account at ${source}`);
  return account.externalId;
}

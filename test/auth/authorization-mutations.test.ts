import { beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { A, AUTH_ON, B, C, makePrincipals, WHO, type Principals, type Who } from "./roles.js";

/**
 * Every mutation × every role, with the exact payload or error. Admin-only mutations refuse the other roles with
 * FORBIDDEN (a role-level refusal reveals nothing about any object). The others need an object the principal
 * may see; one it may not is NOT_FOUND with the very error a missing one gets, decided before any vendor call.
 * Each role works on its own fixtures, so the rows do not depend on each other's order.
 */
const t = useTestGateway({ auth: AUTH_ON });
let who: Principals;
let throwaway: Record<Who, { key: string; partner: string }>;

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
  const store = t.gateway.store;
  for (const role of WHO) {
    await store.licenses.issue({ key: `AUTHZ-ACT-${role}`, customerId: A, durationMonths: 12 });
    await store.licenses.issue({ key: `AUTHZ-CLM-${role}`, customerId: A, activatedAt: new Date("2025-01-01T00:00:00Z") });
    await store.licenses.issue({ key: `AUTHZ-X-${role}`, customerId: A, activatedAt: new Date("2025-01-01T00:00:00Z") });
    const released = await store.licenses.issue({ key: `AUTHZ-REL-${role}`, customerId: A });
    await store.claims.record({ source: "local", licenseExternalId: released.id, licenseKey: released.key, nodeId: "sofar-ctrl-002" });
  }
  // Keys for the key-management rows, one set per role.
  throwaway = {} as typeof throwaway;
  for (const role of WHO) {
    const made = await asOk(
      "admin",
      `mutation {
      k: createApiKey(input: { name: "throwaway ${role}", role: ADMIN }) { apiKey { id } }
      p: createApiKey(input: { name: "partner ${role}", role: PARTNER, grants: ["${A}"] }) { apiKey { id } }
    }`,
    );
    throwaway[role] = { key: made.k.apiKey.id, partner: made.p.apiKey.id };
  }
  // Enough reseller credit for every paid row.
  t.vendors.flashstart.data.credit = 1_000_000;
});

async function as(role: Who, query: string, variables?: Record<string, unknown>) {
  const res = await t.gql(query, variables, who.headers[role]);
  expect(res.status).toBe(200);
  return res.body;
}

async function asOk(role: Who, query: string, variables?: Record<string, unknown>) {
  const body = await as(role, query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

const forbiddenPayload = (rest: Record<string, unknown>) => ({ ...rest, errors: [{ code: "FORBIDDEN", field: null, source: null }] });
const notFound = (field: string[], source: string | null = null) => [{ code: "NOT_FOUND", field, source }];

interface Row {
  path: string;
  query: string;
  variables: (role: Who) => Record<string, unknown>;
  /** Per role: the exact response body's `data` (and no errors), or a check of the whole body. */
  expected: Record<Who, unknown | ((body: any) => void)>;
}

/** Top-level FORBIDDEN for the admin-only mutations without a payload. */
const forbiddenTopLevel = (field: string) => (body: any) => {
  expect(body.data).toBeNull();
  expect(body.errors).toEqual([expect.objectContaining({ path: [field], extensions: { code: "FORBIDDEN" } })]);
};

const ERRORS = "errors { code field source }";

const ROWS: Row[] = [
  {
    path: "upsertCustomer (admins only)",
    query: `mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id name } }`,
    variables: (role) => ({ input: { id: `authz-new-${role}`, name: "New customer" } }),
    expected: {
      customerA: forbiddenTopLevel("upsertCustomer"),
      partnerA: forbiddenTopLevel("upsertCustomer"),
      partnerB: forbiddenTopLevel("upsertCustomer"),
      admin: { upsertCustomer: { id: "authz-new-admin", name: "New customer" } },
    },
  },
  {
    path: "upsertController (admins only, even for one's own customer)",
    query: `mutation($input: UpsertControllerInput!) { upsertController(input: $input) { nodeId customer { id } } }`,
    variables: (role) => ({ input: { nodeId: `authz-node-${role}`, customerId: A } }),
    expected: {
      customerA: forbiddenTopLevel("upsertController"),
      partnerA: forbiddenTopLevel("upsertController"),
      partnerB: forbiddenTopLevel("upsertController"),
      admin: { upsertController: { nodeId: "authz-node-admin", customer: { id: A } } },
    },
  },
  {
    path: "issueLicense (admins only)",
    query: `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { key customer { id } } }`,
    variables: (role) => ({ input: { key: `AUTHZ-ISSUED-${role}`, customerId: A } }),
    expected: {
      customerA: forbiddenTopLevel("issueLicense"),
      partnerA: forbiddenTopLevel("issueLicense"),
      partnerB: forbiddenTopLevel("issueLicense"),
      admin: { issueLicense: { key: "AUTHZ-ISSUED-admin", customer: { id: A } } },
    },
  },
  {
    path: "createApiKey (admins only)",
    query: `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { role customerId grants revokedAt } secret ${ERRORS} } }`,
    variables: (role) => ({ input: { name: `made by ${role}`, role: "CUSTOMER", customerId: A } }),
    expected: {
      customerA: { createApiKey: forbiddenPayload({ apiKey: null, secret: null }) },
      partnerA: { createApiKey: forbiddenPayload({ apiKey: null, secret: null }) },
      partnerB: { createApiKey: forbiddenPayload({ apiKey: null, secret: null }) },
      admin: (body: any) =>
        expect(body).toEqual({
          data: {
            createApiKey: {
              apiKey: { role: "CUSTOMER", customerId: A, grants: [], revokedAt: null },
              secret: expect.stringMatching(/^lgw_[0-9a-f]{16}_[\w-]{43}$/),
              errors: [],
            },
          },
        }),
    },
  },
  {
    path: "revokeApiKey (admins only)",
    query: `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } ${ERRORS} } }`,
    variables: (role) => ({ input: { id: throwaway[role].key } }),
    expected: {
      customerA: { revokeApiKey: forbiddenPayload({ apiKey: null }) },
      partnerA: { revokeApiKey: forbiddenPayload({ apiKey: null }) },
      partnerB: { revokeApiKey: forbiddenPayload({ apiKey: null }) },
      admin: (body: any) =>
        expect(body.data.revokeApiKey).toEqual({ apiKey: { id: throwaway.admin.key, revokedAt: expect.any(String) }, errors: [] }),
    },
  },
  {
    path: "grantCustomer (admins only)",
    query: `mutation($input: GrantInput!) { grantCustomer(input: $input) { apiKey { grants } ${ERRORS} } }`,
    variables: (role) => ({ input: { apiKeyId: throwaway[role].partner, customerId: C } }),
    expected: {
      customerA: { grantCustomer: forbiddenPayload({ apiKey: null }) },
      partnerA: { grantCustomer: forbiddenPayload({ apiKey: null }) },
      partnerB: { grantCustomer: forbiddenPayload({ apiKey: null }) },
      admin: { grantCustomer: { apiKey: { grants: [A, C].sort() }, errors: [] } },
    },
  },
  {
    path: "revokeGrant (admins only)",
    query: `mutation($input: GrantInput!) { revokeGrant(input: $input) { apiKey { grants } ${ERRORS} } }`,
    variables: (role) => ({ input: { apiKeyId: throwaway[role].partner, customerId: A } }),
    expected: {
      customerA: { revokeGrant: forbiddenPayload({ apiKey: null }) },
      partnerA: { revokeGrant: forbiddenPayload({ apiKey: null }) },
      partnerB: { revokeGrant: forbiddenPayload({ apiKey: null }) },
      admin: { revokeGrant: { apiKey: { grants: [C] }, errors: [] } },
    },
  },
  {
    path: "publishTrustedDocuments (admins only)",
    query: `mutation($input: PublishTrustedDocumentsInput!) { publishTrustedDocuments(input: $input) { apiKey { id locked trustedDocuments { operationName } } added removed ${ERRORS} } }`,
    variables: (role) => ({
      input: { apiKeyId: throwaway[role].partner, documents: [{ body: `query Published${role} { sources { id } }` }], lock: true },
    }),
    expected: {
      customerA: { publishTrustedDocuments: forbiddenPayload({ apiKey: null, added: 0, removed: 0 }) },
      partnerA: { publishTrustedDocuments: forbiddenPayload({ apiKey: null, added: 0, removed: 0 }) },
      partnerB: { publishTrustedDocuments: forbiddenPayload({ apiKey: null, added: 0, removed: 0 }) },
      admin: (body: any) =>
        expect(body).toEqual({
          data: {
            publishTrustedDocuments: {
              apiKey: { id: throwaway.admin.partner, locked: true, trustedDocuments: [{ operationName: "Publishedadmin" }] },
              added: 1,
              removed: 0,
              errors: [],
            },
          },
        }),
    },
  },
  {
    path: "setApiKeyLocked (admins only)",
    query: `mutation($input: SetApiKeyLockedInput!) { setApiKeyLocked(input: $input) { apiKey { id locked } ${ERRORS} } }`,
    variables: (role) => ({ input: { apiKeyId: throwaway[role].key, locked: true } }),
    expected: {
      customerA: { setApiKeyLocked: forbiddenPayload({ apiKey: null }) },
      partnerA: { setApiKeyLocked: forbiddenPayload({ apiKey: null }) },
      partnerB: { setApiKeyLocked: forbiddenPayload({ apiKey: null }) },
      admin: (body: any) =>
        expect(body).toEqual({ data: { setApiKeyLocked: { apiKey: { id: throwaway.admin.key, locked: true }, errors: [] } } }),
    },
  },
  {
    path: "activateLicense (A's local license)",
    query: `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { license { key status } ${ERRORS} } }`,
    variables: (role) => ({ input: { source: "local", key: `AUTHZ-ACT-${role}` } }),
    expected: seenByA((role) => ({ activateLicense: { license: { key: `AUTHZ-ACT-${role}`, status: "ACTIVE" }, errors: [] } }), {
      activateLicense: { license: null, errors: notFound(["input", "key"], "local") },
    }),
  },
  {
    path: "claimLicense (A's local license for A's controller)",
    query: `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { datalink { nodeId controller { nodeId } } license { key } ${ERRORS} } }`,
    variables: (role) => ({ input: { source: "local", key: `AUTHZ-CLM-${role}`, nodeId: "sofar-ctrl-002" } }),
    expected: seenByA(
      (role) => ({
        claimLicense: {
          datalink: { nodeId: "sofar-ctrl-002", controller: { nodeId: "sofar-ctrl-002" } },
          license: { key: `AUTHZ-CLM-${role}` },
          errors: [],
        },
      }),
      { claimLicense: { datalink: null, license: null, errors: notFound(["input", "key"], "local") } },
    ),
  },
  {
    path: "claimLicense (A's license for B's controller: the controller must be visible too)",
    query: `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { datalink { nodeId } ${ERRORS} } }`,
    variables: (role) => ({ input: { source: "local", key: `AUTHZ-X-${role}`, nodeId: "sofar-ctrl-003" } }),
    expected: {
      customerA: { claimLicense: { datalink: null, errors: notFound(["input", "nodeId"], "local") } },
      partnerA: { claimLicense: { datalink: null, errors: notFound(["input", "nodeId"], "local") } },
      partnerB: { claimLicense: { datalink: null, errors: notFound(["input", "key"], "local") } },
      admin: { claimLicense: { datalink: { nodeId: "sofar-ctrl-003" }, errors: [] } },
    },
  },
  {
    path: "releaseLicense (A's local license)",
    query: `mutation($input: ReleaseLicenseInput!) { releaseLicense(input: $input) { license { key datalinks { nodeId } } ${ERRORS} } }`,
    variables: (role) => ({ input: { source: "local", key: `AUTHZ-REL-${role}`, nodeId: "sofar-ctrl-002" } }),
    expected: seenByA((role) => ({ releaseLicense: { license: { key: `AUTHZ-REL-${role}`, datalinks: [] }, errors: [] } }), {
      releaseLicense: { license: null, errors: notFound(["input", "key"], "local") },
    }),
  },
  {
    path: "assignDemoLicense (a customer one may see)",
    query: `mutation($input: AssignDemoLicenseInput!) { assignDemoLicense(input: $input) { license { type customer { id } } ${ERRORS} } }`,
    // Customer A has one of its two demos left; C has both. Partner A asks for B, whom it does not see.
    variables: (role) => ({ input: { source: "flashstart", customerId: { customerA: A, partnerA: B, partnerB: A, admin: C }[role] } }),
    expected: {
      customerA: { assignDemoLicense: { license: { type: "FS-CLOUD-DEMO", customer: { id: A } }, errors: [] } },
      partnerA: { assignDemoLicense: { license: null, errors: notFound(["input", "customerId"]) } },
      partnerB: { assignDemoLicense: { license: null, errors: notFound(["input", "customerId"]) } },
      admin: { assignDemoLicense: { license: { type: "FS-CLOUD-DEMO", customer: { id: C } }, errors: [] } },
    },
  },
  {
    path: "assignBulkLicense (a customer one may see)",
    query: `mutation($input: AssignBulkLicenseInput!) { assignBulkLicense(input: $input) { license { customer { id } } ${ERRORS} } }`,
    variables: (role) => ({
      input: {
        source: "flashstart",
        customerId: A,
        offerCode: t.vendors.flashstart.data.examples.affordableLicenseCode,
        info: `bought by ${role}`,
      },
    }),
    expected: seenByA(() => ({ assignBulkLicense: { license: { customer: { id: A } }, errors: [] } }), {
      assignBulkLicense: { license: null, errors: notFound(["input", "customerId"]) },
    }),
  },
  {
    path: "updateCustomerContact (a customer one may see)",
    query: `mutation($input: UpdateCustomerContactInput!) { updateCustomerContact(input: $input) { profile { email } ${ERRORS} } }`,
    variables: (role) => ({ input: { customerId: A, email: `${role.toLowerCase()}@example.com` } }),
    expected: seenByA((role) => ({ updateCustomerContact: { profile: { email: `${role.toLowerCase()}@example.com` }, errors: [] } }), {
      updateCustomerContact: { profile: null, errors: notFound(["input", "customerId"]) },
    }),
  },
];

/** Customer A, partner A and the admin get `seen(role)`; partner B, who does not see A, gets `hidden`. */
function seenByA(seen: (role: Who) => unknown, hidden: unknown): Record<Who, unknown> {
  return { customerA: seen("customerA"), partnerA: seen("partnerA"), partnerB: hidden, admin: seen("admin") };
}

describe("authorization: every mutation × every role", () => {
  for (const row of ROWS) {
    it.each(WHO)(`${row.path}: %s`, async (role) => {
      const body = await as(role, row.query, row.variables(role));
      const expected = row.expected[role];
      if (typeof expected === "function") expected(body);
      else expect(body).toEqual({ data: expected });
    });
  }
});

describe("mutations on vendor licenses", () => {
  it("refuses partner B activating A's Eniris license before any call to the vendor, with the error a missing key gets", async () => {
    const activate = `mutation($key: String!) { activateLicense(input: { source: "sofar", key: $key }) { license { status } errors { code field source message } } }`;
    t.resetCalls();
    const hidden = (await as("partnerB", activate, { key: "SOFAR-COM-0002" })).data.activateLicense;
    const missing = (await as("partnerB", activate, { key: "SOFAR-NO-SUCH" })).data.activateLicense;
    expect(t.vendors.sofar.calls.count({ path: "/v1/license/activate" })).toBe(0);
    expect(hidden.errors).toEqual([
      { code: "NOT_FOUND", field: ["input", "key"], source: "sofar", message: "no license with key SOFAR-COM-0002 at sofar" },
    ]);
    expect(missing.errors).toEqual([{ ...hidden.errors[0], message: "no license with key SOFAR-NO-SUCH at sofar" }]);

    const own = (await as("customerA", activate, { key: "SOFAR-COM-0002" })).data.activateLicense;
    expect(own).toEqual({ license: { status: "ACTIVE" }, errors: [] });
    expect(t.vendors.sofar.calls.count({ path: "/v1/license/activate" })).toBe(1);
  });

  it("refuses claiming for a controller registered to nobody, except to an admin", async () => {
    const claim = `mutation { claimLicense(input: { source: "cryptolens", key: "GJVNT-AXEQL-RMBWK-SZDPU", nodeId: "sofar-ctrl-004" }) { datalink { nodeId } errors { code field } } }`;
    t.resetCalls();
    for (const role of ["customerA", "partnerA"] as const) {
      expect((await as(role, claim)).data.claimLicense).toEqual({
        datalink: null,
        errors: [{ code: "NOT_FOUND", field: ["input", "nodeId"] }],
      });
    }
    expect(t.vendors.cryptolens.calls.count({ path: /Activate/ })).toBe(0);
    expect((await as("admin", claim)).data.claimLicense).toEqual({ datalink: { nodeId: "sofar-ctrl-004" }, errors: [] });
  });

  it("renews and cancels a catalogue license only for whoever sees its customer", async () => {
    const listed = await asOk("admin", `query($id: ID!) { customer(id: $id) { licenses(source: "flashstart") { id status type } } }`, {
      id: A,
    });
    const paid = listed.customer.licenses.filter((l: any) => ["ACTIVE", "EXPIRED"].includes(l.status) && l.type !== "FS-CLOUD-DEMO");
    expect(paid.length).toBeGreaterThanOrEqual(2);
    const [renewable, cancellable] = paid;
    const renew = `mutation($id: ID!) { renewLicense(input: { licenseId: $id }) { license { customer { id } } errors { code field source } } }`;
    const cancel = `mutation($id: ID!) { cancelLicense(input: { licenseId: $id }) { cancelled licenseId errors { code field source } } }`;
    const hidden = [{ code: "NOT_FOUND", field: ["input", "licenseId"], source: "flashstart" }];
    expect((await as("partnerB", renew, { id: renewable.id })).data.renewLicense).toEqual({ license: null, errors: hidden });
    expect((await as("partnerB", cancel, { id: cancellable.id })).data.cancelLicense).toEqual({
      cancelled: false,
      licenseId: null,
      errors: hidden,
    });
    expect((await as("partnerA", renew, { id: renewable.id })).data.renewLicense).toEqual({ license: { customer: { id: A } }, errors: [] });
    expect((await as("customerA", cancel, { id: cancellable.id })).data.cancelLicense).toEqual({
      cancelled: true,
      licenseId: cancellable.id,
      errors: [],
    });
  });
});

describe("the audit log", () => {
  it("names the principal of every mutation, allowed or refused", async () => {
    const entries = await t.gateway.store.audit.recent(500);
    const of = (operation: string, principal: string) => entries.filter((e) => e.operation === operation && e.principal === principal);
    expect(of("activateLicense", who.ids.customerA).find((e) => (e.input as { key: string }).key === "AUTHZ-ACT-customerA")).toMatchObject({
      outcome: "ok",
      input: { source: "local" },
    });
    expect(of("activateLicense", who.ids.partnerB).map((e) => e.errorCode)).toContain("NOT_FOUND");
    expect(of("upsertCustomer", who.ids.partnerA)[0]).toMatchObject({
      outcome: "error",
      errorCode: "FORBIDDEN",
      input: { id: "authz-new-partnerA" },
    });
    expect(of("createApiKey", who.ids.admin).some((e) => e.outcome === "ok")).toBe(true);
    expect(of("updateCustomerContact", "jwt:partner-b")[0]).toMatchObject({ outcome: "error", errorCode: "NOT_FOUND" });
    // The key's secret appears in its payload only, never in the audit log.
    expect(JSON.stringify(entries)).not.toMatch(/lgw_[0-9a-f]{16}_/);
  });
});

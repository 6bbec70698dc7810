import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../../support/gateway.js";
import { accountOf, expectClientSees, payloadError, type Seen } from "./support.js";

/**
 * Every documented Eniris error (eniris.md "Errors", "License endpoints", "Authentication") and the code a client
 * of the gateway gets for it. Sofar stands for both brands: they are one adapter. Errors the simulator's data can
 * produce (a second activation, a claimed license, an unknown key or controller) are produced that way; the others
 * are injected as a status fault with the documented envelope `{"statusCode","error","message"}`.
 */

// Rows fail one source many times in a row: its circuit breaker (tested in test/resilience) would soon fail fast
// and hide the code each row is about, so it never opens here.
// Every row must reach the vendor's error: no cross-request cache in front of it (test/cache covers the cache).
const t = useTestGateway({
  sourceOverrides: { sofar: { resilience: { circuit: { volumeThreshold: 1_000_000 } } } },
  cache: { enabled: false },
});
afterEach(() => t.resetCalls());

const sofar = () => t.vendors.sofar;
const CUSTOMER = "demo-customer-1";
let account = "";
beforeAll(async () => {
  account = await accountOf(t, CUSTOMER, "sofar");
});

/** The documented error envelope (openapi def-0..def-3); `error` is the HTTP reason phrase. */
const envelope = (statusCode: number, error: string, message: string, extra: object = {}) => ({ statusCode, error, message, ...extra });
const customerList = () => `/v1/license/customer/${account}`;
const controllerList = (nodeId: string) => `/v1/license/controller/${nodeId}`;

const CUSTOMER_LICENSES = `query($id: ID!) { customer(id: $id) { id licenses(source: "sofar") { key } } }`;
const CONTROLLER_LICENSES = `query($n: ID!) { controller(nodeId: $n) { nodeId licenses(source: "sofar") { key } } }`;
const ACTIVATE = `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { license { key } errors { code field source } } }`;
const CLAIM = `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { datalink { id } license { key } errors { code field source } } }`;

/** The customer's licenses at Sofar answered empty, with one error naming Sofar. */
const listFailed = (code: string, extra: { retryAfterSeconds?: number } = {}): Seen => ({
  data: { customer: { id: CUSTOMER, licenses: [] } },
  errors: [{ code, source: "sofar", path: ["customer", "licenses"], ...extra }],
});
/** A mutation's domain failure: the payload's `errors`, nothing else. */
const activateRefused = (code: string, field: string[] | null): Seen => ({
  data: { activateLicense: { license: null, errors: [payloadError(code, "sofar", field)] } },
});
const claimRefused = (code: string, field: string[] | null): Seen => ({
  data: { claimLicense: { datalink: null, license: null, errors: [payloadError(code, "sofar", field)] } },
});
/** A vendor outage during a mutation: a GraphQL error, and the non-null payload takes `data` with it. */
const mutationFailed = (mutation: string, code: string, extra: { retryAfterSeconds?: number } = {}): Seen => ({
  data: null,
  errors: [{ code, source: "sofar", path: [mutation], ...extra }],
});

/** A successful call first, so the gateway holds an access token and the counts below start from a known state. */
async function warmAccessToken(): Promise<void> {
  const res = await t.gql(CUSTOMER_LICENSES, { id: CUSTOMER });
  expect(res.body.errors).toBeUndefined();
  t.resetCalls();
}

interface Row {
  /** The vendor's answer, as the contract documents it. */
  vendor: string;
  /** The GraphQL operation that reaches it. */
  operation: string;
  /** Makes the vendor give that answer: a fault, or nothing when the simulator's data produces it. */
  arrange?: () => void | Promise<void>;
  query: string;
  variables: () => Record<string, unknown>;
  sees: () => Seen;
  /** Proves the answer came from the vendor (the calls the gateway made for it). */
  calls: () => void;
}

const rows: Row[] = [
  // ---- reads: a customer's license list ------------------------------------------------------------------
  {
    vendor: '400 "Missing or misformatted query parameter or body" (fault)',
    operation: "Customer.licenses",
    arrange: () =>
      sofar().fault({
        server: "api",
        path: customerList(),
        kind: "status",
        status: 400,
        body: envelope(400, "Bad Request", "Missing or misformatted query parameter or body"),
      }),
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    // The gateway builds the request, so the vendor disagreeing is the vendor refusing, not the client's mistake.
    sees: () => listFailed("UPSTREAM_REJECTED"),
    calls: () => expect(sofar().calls.count({ server: "api", path: customerList() })).toBe(1),
  },
  {
    vendor: '401 "Failed to verify token" once (fault)',
    operation: "Customer.licenses",
    arrange: async () => {
      await warmAccessToken();
      sofar().fault({
        server: "api",
        path: customerList(),
        times: 1,
        kind: "status",
        status: 401,
        body: envelope(401, "Unauthorized", "Failed to verify token"),
      });
    },
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    // A new access token and one retry: the client never sees the 401.
    sees: () => ({
      data: {
        customer: {
          id: CUSTOMER,
          licenses: sofar()
            .data.licenses.filter((l) => l.customerId === account)
            .map((l) => ({ key: l.key })),
        },
      },
    }),
    calls: () => {
      expect(sofar().calls.count({ server: "api", path: customerList() })).toBe(2);
      expect(sofar().calls.count({ server: "auth", path: "/auth/accesstoken" })).toBe(1);
    },
  },
  {
    vendor: '401 "Failed to verify token" on every call (fault)',
    operation: "Customer.licenses",
    arrange: async () => {
      await warmAccessToken();
      sofar().fault({
        server: "api",
        path: customerList(),
        kind: "status",
        status: 401,
        body: envelope(401, "Unauthorized", "Failed to verify token"),
      });
    },
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    sees: () => listFailed("UPSTREAM_UNAUTHENTICATED"),
    // Exactly one renewal and one retry, then the gateway gives up (no loop).
    calls: () => {
      expect(sofar().calls.count({ server: "api", path: customerList() })).toBe(2);
      expect(sofar().calls.count({ server: "auth", path: "/auth/accesstoken" })).toBe(1);
    },
  },
  {
    vendor: "401 on GET /auth/accesstoken (fault; the access token had expired)",
    operation: "Customer.licenses",
    arrange: async () => {
      await warmAccessToken();
      sofar().expireAccessTokens();
      sofar().fault({
        server: "auth",
        path: "/auth/accesstoken",
        kind: "status",
        status: 401,
        body: envelope(401, "Unauthorized", "Failed to verify token"),
      });
    },
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    // The refresh token is refused: the operator's credentials, not the client's request.
    sees: () => listFailed("UPSTREAM_UNAUTHENTICATED"),
    calls: () => {
      expect(sofar().calls.count({ server: "api", path: customerList() })).toBe(1);
      expect(sofar().calls.count({ server: "auth", path: "/auth/accesstoken" })).toBe(1);
    },
  },
  {
    vendor: '403 "User does not have sufficient rights" (fault)',
    operation: "Customer.licenses",
    arrange: async () => {
      await warmAccessToken();
      sofar().fault({
        server: "api",
        path: customerList(),
        kind: "status",
        status: 403,
        body: envelope(403, "Forbidden", "User does not have sufficient rights"),
      });
    },
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    sees: () => listFailed("UPSTREAM_FORBIDDEN"),
    // A 403 is not a token problem: no renewal, no retry.
    calls: () => {
      expect(sofar().calls.count({ server: "api", path: customerList() })).toBe(1);
      expect(sofar().calls.count({ server: "auth" })).toBe(0);
    },
  },
  {
    vendor: '404 "Resource not found" (fault)',
    operation: "Customer.licenses",
    arrange: () =>
      sofar().fault({
        server: "api",
        path: customerList(),
        kind: "status",
        status: 404,
        body: envelope(404, "Not Found", "Resource not found"),
      }),
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    sees: () => listFailed("NOT_FOUND"),
    calls: () => expect(sofar().calls.count({ server: "api", path: customerList() })).toBe(1),
  },
  {
    vendor: "429 with Retry-After: 30 and retryAfter (fault)",
    operation: "Customer.licenses",
    arrange: () =>
      sofar().fault({
        server: "api",
        path: customerList(),
        kind: "status",
        status: 429,
        headers: { "retry-after": "30" },
        body: envelope(429, "Too Many Requests", "Too Many Requests", { retryAfter: 30 }),
      }),
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    sees: () => listFailed("UPSTREAM_RATE_LIMITED", { retryAfterSeconds: 30 }),
    calls: () => expect(sofar().calls.count({ server: "api", path: customerList() })).toBe(1),
  },
  {
    vendor: "500 (fault)",
    operation: "Customer.licenses",
    arrange: () =>
      sofar().fault({
        server: "api",
        path: customerList(),
        kind: "status",
        status: 500,
        body: envelope(500, "Internal Server Error", "Internal Server Error"),
      }),
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    sees: () => listFailed("UPSTREAM_UNAVAILABLE"),
    calls: () => expect(sofar().calls.count({ server: "api", path: customerList() })).toBeGreaterThanOrEqual(1),
  },
  {
    vendor: "503 (fault)",
    operation: "Customer.licenses",
    arrange: () =>
      sofar().fault({
        server: "api",
        path: customerList(),
        kind: "status",
        status: 503,
        body: envelope(503, "Service Unavailable", "Service Unavailable"),
      }),
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    sees: () => listFailed("UPSTREAM_UNAVAILABLE"),
    calls: () => expect(sofar().calls.count({ server: "api", path: customerList() })).toBeGreaterThanOrEqual(1),
  },
  // ---- reads: a controller's license list ----------------------------------------------------------------
  {
    vendor: '404 "Resource not found" on a controller\'s list (fault)',
    operation: "Controller.licenses",
    arrange: () =>
      sofar().fault({
        server: "api",
        path: controllerList(sofar().data.examples.controllerWithLicensesNodeId),
        kind: "status",
        status: 404,
        body: envelope(404, "Not Found", "Resource not found"),
      }),
    query: CONTROLLER_LICENSES,
    variables: () => ({ n: sofar().data.examples.controllerWithLicensesNodeId }),
    // docs/errors.md: the brand does not know the controller, so it holds none of its licenses; not an error.
    sees: () => ({ data: { controller: { nodeId: sofar().data.examples.controllerWithLicensesNodeId, licenses: [] } } }),
    calls: () =>
      expect(sofar().calls.count({ server: "api", path: controllerList(sofar().data.examples.controllerWithLicensesNodeId) })).toBe(1),
  },
  // ---- activateLicense -----------------------------------------------------------------------------------
  {
    vendor: '400 "License is already activated" (data: an active license)',
    operation: "activateLicense",
    query: ACTIVATE,
    variables: () => ({ input: { source: "sofar", key: sofar().data.examples.activeUnclaimedKey } }),
    sees: () => activateRefused("LICENSE_ALREADY_ACTIVATED", ["input", "key"]),
    calls: () => expect(sofar().calls.count({ server: "api", path: "/v1/license/activate" })).toBe(1),
  },
  {
    vendor: '400 "Missing or misformatted query parameter or body" (fault)',
    operation: "activateLicense",
    arrange: () =>
      sofar().fault({
        server: "api",
        path: "/v1/license/activate",
        kind: "status",
        status: 400,
        body: envelope(400, "Bad Request", "Missing or misformatted query parameter or body"),
      }),
    query: ACTIVATE,
    variables: () => ({ input: { source: "sofar", key: sofar().data.examples.inactiveUnclaimedKey } }),
    // docs/errors.md: only "already activated" is the license's state; any other 400 refuses a body the gateway validated.
    sees: () => mutationFailed("activateLicense", "UPSTREAM_REJECTED"),
    calls: () => expect(sofar().calls.count({ server: "api", path: "/v1/license/activate" })).toBe(1),
  },
  {
    vendor: '404 "License not found" (data: an unknown key)',
    operation: "activateLicense",
    query: ACTIVATE,
    variables: () => ({ input: { source: "sofar", key: "SOFAR-NO-SUCH-KEY" } }),
    sees: () => activateRefused("NOT_FOUND", ["input", "key"]),
    calls: () => expect(sofar().calls.count({ server: "api", path: "/v1/license/activate" })).toBe(1),
  },
  {
    vendor: "429 with Retry-After: 30 (fault)",
    operation: "activateLicense",
    arrange: () =>
      sofar().fault({
        server: "api",
        path: "/v1/license/activate",
        kind: "status",
        status: 429,
        headers: { "retry-after": "30" },
        body: envelope(429, "Too Many Requests", "Too Many Requests", { retryAfter: 30 }),
      }),
    query: ACTIVATE,
    variables: () => ({ input: { source: "sofar", key: sofar().data.examples.inactiveUnclaimedKey } }),
    sees: () => mutationFailed("activateLicense", "UPSTREAM_RATE_LIMITED", { retryAfterSeconds: 30 }),
    calls: () => expect(sofar().calls.count({ server: "api", path: "/v1/license/activate" })).toBeGreaterThanOrEqual(1),
  },
  // ---- claimLicense --------------------------------------------------------------------------------------
  {
    vendor: '400 "Invalid request body or license already claimed" (data: a claimed license)',
    operation: "claimLicense",
    query: CLAIM,
    variables: () => ({
      input: {
        source: "sofar",
        key: sofar().data.examples.activeClaimedKey,
        nodeId: sofar().data.examples.controllerWithoutLicensesNodeId,
      },
    }),
    // docs/errors.md: the body was validated first, so the 400 can only mean "already claimed".
    sees: () => claimRefused("LICENSE_ALREADY_CLAIMED", ["input", "key"]),
    calls: () => expect(sofar().calls.count({ server: "api", path: "/v1/license/claim" })).toBe(1),
  },
  {
    vendor: '404 "License or controller not found" (data: an unknown controller)',
    operation: "claimLicense",
    query: CLAIM,
    variables: () => ({ input: { source: "sofar", key: sofar().data.examples.activeUnclaimedKey, nodeId: "sofar-no-such-controller" } }),
    // The vendor does not say which of the two it did not find, so the error points at the whole input.
    sees: () => claimRefused("NOT_FOUND", ["input"]),
    calls: () => expect(sofar().calls.count({ server: "api", path: "/v1/license/claim" })).toBe(1),
  },
  {
    vendor: '403 "User does not have sufficient rights" (fault)',
    operation: "claimLicense",
    arrange: () =>
      sofar().fault({
        server: "api",
        path: "/v1/license/claim",
        kind: "status",
        status: 403,
        body: envelope(403, "Forbidden", "User does not have sufficient rights"),
      }),
    query: CLAIM,
    variables: () => ({
      input: {
        source: "sofar",
        key: sofar().data.examples.activeUnclaimedKey,
        nodeId: sofar().data.examples.controllerWithoutLicensesNodeId,
      },
    }),
    sees: () => mutationFailed("claimLicense", "UPSTREAM_FORBIDDEN"),
    calls: () => expect(sofar().calls.count({ server: "api", path: "/v1/license/claim" })).toBe(1),
  },
  {
    vendor: "503 (fault)",
    operation: "claimLicense",
    arrange: () =>
      sofar().fault({
        server: "api",
        path: "/v1/license/claim",
        kind: "status",
        status: 503,
        body: envelope(503, "Service Unavailable", "Service Unavailable"),
      }),
    query: CLAIM,
    variables: () => ({
      input: {
        source: "sofar",
        key: sofar().data.examples.activeUnclaimedKey,
        nodeId: sofar().data.examples.controllerWithoutLicensesNodeId,
      },
    }),
    sees: () => mutationFailed("claimLicense", "UPSTREAM_UNAVAILABLE"),
    calls: () => expect(sofar().calls.count({ server: "api", path: "/v1/license/claim" })).toBeGreaterThanOrEqual(1),
  },
];

describe("Eniris (Sofar, SmartgridOne): every documented error and the code the client gets", () => {
  it.each(rows)("$vendor → $operation", async (row) => {
    await row.arrange?.();
    const res = await t.gql(row.query, row.variables());
    expectClientSees(res, row.sees());
    row.calls();
  });

  it("a refused claim or activation leaves the vendor's data as it was", async () => {
    // The rows above ran faulted or refused mutations: nothing may have been activated or linked by them.
    const data = sofar().data;
    const inactive = data.licenses.find((l) => l.key === data.examples.inactiveUnclaimedKey)!;
    expect(inactive.activationDate).toBeNull();
    const unclaimed = data.licenses.find((l) => l.key === data.examples.activeUnclaimedKey)!;
    expect(data.datalinks.filter((d) => d.licenseId === unclaimed.id)).toEqual([]);
    expect(data.datalinks.filter((d) => d.nodeId === data.examples.controllerWithoutLicensesNodeId)).toEqual([]);
  });
});

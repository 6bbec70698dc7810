import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../../support/gateway.js";
import { expectClientSees, gatewayCustomerOf, payloadError, type Seen } from "./support.js";

/**
 * Every documented Customerarea (FlashStart) error (customerarea.md "Transport", "Documented product rules") and the
 * code a client of the gateway gets for it. Documented: 401 `{"message":"invalid token or unauthorized admin"}`
 * and the validation 500 `{"code":500,"message":"the given data was invalid","errors":{"field":["..."]}}`; the two
 * product rules (2 demos per customer, enough credit) come without their answer, so their shape is the simulator's
 * inferred one (`errors.demo`, `errors.credit`), produced from its data. A 404 for an unknown licence is inferred
 * too (the contract names no 404): docs/errors.md maps it to NOT_FOUND.
 */

// Rows fail one source many times in a row: its circuit breaker (tested in test/resilience) would soon fail fast
// and hide the code each row is about, so it never opens here.
// Every row must reach the vendor's error: no cross-request cache in front of it (test/cache covers the cache).
const t = useTestGateway({
  sourceOverrides: { flashstart: { resilience: { circuit: { volumeThreshold: 1_000_000 } } } },
  cache: { enabled: false },
});
afterEach(() => t.resetCalls());

const fs = () => t.vendors.flashstart;
const ex = () => fs().data.examples;
const SOURCE = "flashstart";
/** Gateway customers by what their Customerarea account is (the demo seed maps them one to one). */
const who = { withLicences: "", atDemoLimit: "", fresh: "" };
let startingCredit = 0;
beforeAll(async () => {
  startingCredit = fs().data.credit;
  who.withLicences = await gatewayCustomerOf(t, SOURCE, String(ex().customerWithLicencesCode));
  who.atDemoLimit = await gatewayCustomerOf(t, SOURCE, String(ex().customerAtDemoLimitCode));
  who.fresh = await gatewayCustomerOf(t, SOURCE, String(ex().customerWithoutLicencesCode));
});

const path = (operation: string) => `/customerarea/${operation}`;
const UNAUTHORIZED = { message: "invalid token or unauthorized admin" };
const validation = (errors: Record<string, string[]>) => ({ code: 500, message: "the given data was invalid", errors });
const callsTo = (operation: string, method?: string) => fs().calls.count({ path: path(operation), ...(method ? { method } : {}) });

const CUSTOMER_LICENSES = `query($id: ID!) { customer(id: $id) { id licenses(source: "flashstart") { key } } }`;
const OFFERS = `query($id: ID!, $currency: String) { customer(id: $id) { id availableLicenses(source: "flashstart", currency: $currency) { code } } }`;
const DEMO = `mutation($input: AssignDemoLicenseInput!) { assignDemoLicense(input: $input) { license { id } errors { code field source } } }`;
const BULK = `mutation($input: AssignBulkLicenseInput!) { assignBulkLicense(input: $input) { license { id } errors { code field source } } }`;
const RENEW = `mutation($id: ID!) { renewLicense(input: { licenseId: $id }) { license { id } errors { code field source } } }`;
const CANCEL = `mutation($id: ID!) { cancelLicense(input: { licenseId: $id }) { cancelled licenseId errors { code field source } } }`;

const failedAt = (customer: () => string, field: string, code: string): Seen => ({
  data: { customer: { id: customer(), [field]: [] } },
  errors: [{ code, source: SOURCE, path: ["customer", field] }],
});
type Problem = [code: string, field: string[] | null, source?: string | null];
const assignRefused = (mutation: string, ...problems: Problem[]): Seen => ({
  data: { [mutation]: { license: null, errors: problems.map(([code, field, source = SOURCE]) => payloadError(code, source, field)) } },
});
const cancelRefused = (...problems: Problem[]): Seen => ({
  data: {
    cancelLicense: {
      cancelled: false,
      licenseId: null,
      errors: problems.map(([code, field, source = SOURCE]) => payloadError(code, source, field)),
    },
  },
});
const mutationFailed = (mutation: string, code: string): Seen => ({ data: null, errors: [{ code, source: SOURCE, path: [mutation] }] });

const bulk = (input: Record<string, unknown>) => ({
  input: { customerId: who.fresh, source: SOURCE, offerCode: ex().affordableLicenseCode, info: "Headquarter", ...input },
});
const licenceId = (id: number) => `${SOURCE}:${id}`;
const UNKNOWN_LICENCE = licenceId(999_999);

interface Row {
  vendor: string;
  operation: string;
  /** Makes the vendor give that answer; may return an undo for scripted data. */
  arrange?: () => void | (() => void);
  query: string;
  variables: () => Record<string, unknown>;
  sees: () => Seen;
  calls: () => void;
}

let creditBefore = 0;

const rows: Row[] = [
  // ---- reads ---------------------------------------------------------------------------------------------
  {
    vendor: '401 {"message":"invalid token or unauthorized admin"} (fault)',
    operation: "Customer.licenses",
    arrange: () => fs().fault({ path: path("licenses"), kind: "status", status: 401, body: UNAUTHORIZED }),
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: who.withLicences }),
    sees: () => failedAt(() => who.withLicences, "licenses", "UPSTREAM_UNAUTHENTICATED"),
    calls: () => expect(callsTo("licenses", "GET")).toBe(1),
  },
  {
    vendor: '401 {"message":"invalid token or unauthorized admin"} (fault)',
    operation: "Customer.availableLicenses",
    arrange: () => fs().fault({ path: path("licenses/available"), kind: "status", status: 401, body: UNAUTHORIZED }),
    query: OFFERS,
    variables: () => ({ id: who.withLicences }),
    sees: () => failedAt(() => who.withLicences, "availableLicenses", "UPSTREAM_UNAUTHENTICATED"),
    calls: () => expect(callsTo("licenses/available")).toBe(1),
  },
  {
    vendor: 'plain 500 {"code":500,"message":"internal server error"} (fault)',
    operation: "Customer.licenses",
    arrange: () =>
      fs().fault({ path: path("licenses"), kind: "status", status: 500, body: { code: 500, message: "internal server error" } }),
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: who.withLicences }),
    // A 500 without `errors` is an outage, not a validation failure: this read is retried, at most twice
    // (resilience.retries; fewer once the file's earlier rows spent the retry budget).
    sees: () => failedAt(() => who.withLicences, "licenses", "UPSTREAM_UNAVAILABLE"),
    calls: () => expect(callsTo("licenses", "GET")).toBeLessThanOrEqual(3),
  },
  {
    vendor: 'validation 500 {"errors":{"currency_code":[…]}} (data: a currency the vendor does not have)',
    operation: "Customer.availableLicenses",
    query: OFFERS,
    variables: () => ({ id: who.withLicences, currency: "XYZ" }),
    sees: () => failedAt(() => who.withLicences, "availableLicenses", "BAD_USER_INPUT"),
    calls: () => expect(callsTo("licenses/available")).toBe(1),
  },
  // ---- assignDemoLicense ---------------------------------------------------------------------------------
  {
    vendor: '401 {"message":"invalid token or unauthorized admin"} (fault)',
    operation: "assignDemoLicense",
    arrange: () => fs().fault({ path: path("licenses/demo"), kind: "status", status: 401, body: UNAUTHORIZED }),
    query: DEMO,
    variables: () => ({ input: { customerId: who.fresh, source: SOURCE } }),
    // The gateway's API key was refused: an operator's problem, so a GraphQL error rather than a payload error.
    sees: () => mutationFailed("assignDemoLicense", "UPSTREAM_UNAUTHENTICATED"),
    calls: () => expect(callsTo("licenses/demo")).toBe(1),
  },
  {
    vendor: "the 2-demo limit: validation 500 errors.demo (data: a customer with 2 demos used)",
    operation: "assignDemoLicense",
    query: DEMO,
    variables: () => ({ input: { customerId: who.atDemoLimit, source: SOURCE } }),
    sees: () => assignRefused("assignDemoLicense", ["DEMO_LIMIT_REACHED", ["input", "customerId"]]),
    calls: () => expect(callsTo("licenses/demo")).toBe(1),
  },
  // ---- assignBulkLicense ---------------------------------------------------------------------------------
  {
    vendor: "validation 500 per field (data: an unknown offer code and currency)",
    operation: "assignBulkLicense",
    query: BULK,
    variables: () => bulk({ offerCode: "FS-NO-SUCH-OFFER", currency: "XYZ" }),
    // One payload error per vendor field, each at the client's own input field.
    sees: () => assignRefused("assignBulkLicense", ["BAD_USER_INPUT", ["input", "offerCode"]], ["BAD_USER_INPUT", ["input", "currency"]]),
    calls: () => expect(callsTo("licenses/bulk")).toBe(1),
  },
  {
    vendor: 'validation 500 {"errors":{"license_code":[…],"license_info":[…]}} (fault)',
    operation: "assignBulkLicense",
    arrange: () =>
      fs().fault({
        path: path("licenses/bulk"),
        kind: "status",
        status: 500,
        body: validation({
          license_code: ["The selected license code is invalid."],
          license_info: ["The license info field is required."],
        }),
      }),
    query: BULK,
    variables: () => bulk({}),
    sees: () => assignRefused("assignBulkLicense", ["BAD_USER_INPUT", ["input", "offerCode"]], ["BAD_USER_INPUT", ["input", "info"]]),
    calls: () => expect(callsTo("licenses/bulk")).toBe(1),
  },
  {
    vendor: "missing license_info: refused by the gateway first (the vendor's rule, checked before the call)",
    operation: "assignBulkLicense",
    query: BULK,
    variables: () => bulk({ info: " " }),
    // The gateway's own check: no source, and nothing sent to Customerarea.
    sees: () => assignRefused("assignBulkLicense", ["BAD_USER_INPUT", ["input", "info"], null]),
    calls: () => expect(fs().calls.count()).toBe(0),
  },
  {
    vendor: "insufficient credit: validation 500 errors.credit (data: an offer dearer than the credit)",
    operation: "assignBulkLicense",
    arrange: () => {
      creditBefore = fs().data.credit;
    },
    query: BULK,
    variables: () => bulk({ offerCode: ex().tooExpensiveLicenseCode }),
    sees: () => assignRefused("assignBulkLicense", ["INSUFFICIENT_CREDIT", null]),
    calls: () => {
      expect(callsTo("licenses/bulk")).toBe(1);
      expect(fs().data.credit).toBe(creditBefore);
    },
  },
  {
    vendor: 'plain 500 {"code":500,"message":"internal server error"} (fault)',
    operation: "assignBulkLicense",
    arrange: () =>
      fs().fault({ path: path("licenses/bulk"), kind: "status", status: 500, body: { code: 500, message: "internal server error" } }),
    query: BULK,
    variables: () => bulk({}),
    sees: () => mutationFailed("assignBulkLicense", "UPSTREAM_UNAVAILABLE"),
    // Not idempotent (it spends credit): never retried.
    calls: () => expect(callsTo("licenses/bulk")).toBe(1),
  },
  // ---- renewLicense --------------------------------------------------------------------------------------
  {
    vendor: "an unknown licence: no account lists it, so the gateway answers without a renew call",
    operation: "renewLicense",
    query: RENEW,
    variables: () => ({ id: UNKNOWN_LICENCE }),
    sees: () => assignRefused("renewLicense", ["NOT_FOUND", ["input", "licenseId"]]),
    calls: () => {
      expect(callsTo("licenses", "GET")).toBeGreaterThanOrEqual(1);
      expect(callsTo("licenses/renew")).toBe(0);
    },
  },
  {
    vendor: '404 {"code":404,"message":"license not found"} (fault; inferred shape)',
    operation: "renewLicense",
    arrange: () =>
      fs().fault({ path: path("licenses/renew"), kind: "status", status: 404, body: { code: 404, message: "license not found" } }),
    query: RENEW,
    variables: () => ({ id: licenceId(ex().activeLicenceId) }),
    sees: () => assignRefused("renewLicense", ["NOT_FOUND", ["input", "licenseId"]]),
    calls: () => expect(callsTo("licenses/renew")).toBe(1),
  },
  {
    vendor: "validation 500 errors.license_id (data: a licence not yet activated cannot be renewed)",
    operation: "renewLicense",
    query: RENEW,
    variables: () => ({ id: licenceId(ex().toBeActivatedLicenceId) }),
    sees: () => assignRefused("renewLicense", ["BAD_USER_INPUT", ["input", "licenseId"]]),
    calls: () => expect(callsTo("licenses/renew")).toBe(1),
  },
  {
    vendor: "insufficient credit: validation 500 errors.credit (data: the reseller's credit spent)",
    operation: "renewLicense",
    arrange: () => {
      const credit = fs().data.credit;
      fs().data.credit = 0;
      return () => {
        fs().data.credit = credit;
      };
    },
    query: RENEW,
    variables: () => ({ id: licenceId(ex().activeLicenceId) }),
    sees: () => assignRefused("renewLicense", ["INSUFFICIENT_CREDIT", null]),
    calls: () => expect(callsTo("licenses/renew")).toBe(1),
  },
  // ---- cancelLicense -------------------------------------------------------------------------------------
  {
    vendor: "an unknown licence: no account lists it, so the gateway answers without a delete call",
    operation: "cancelLicense",
    query: CANCEL,
    variables: () => ({ id: UNKNOWN_LICENCE }),
    sees: () => cancelRefused(["NOT_FOUND", ["input", "licenseId"]]),
    calls: () => expect(callsTo("licenses/delete")).toBe(0),
  },
  {
    vendor: '404 {"code":404,"message":"license not found"} (fault; inferred shape)',
    operation: "cancelLicense",
    arrange: () =>
      fs().fault({ path: path("licenses/delete"), kind: "status", status: 404, body: { code: 404, message: "license not found" } }),
    query: CANCEL,
    variables: () => ({ id: licenceId(ex().activeLicenceId) }),
    sees: () => cancelRefused(["NOT_FOUND", ["input", "licenseId"]]),
    calls: () => expect(callsTo("licenses/delete")).toBe(1),
  },
];

describe("Customerarea (FlashStart): every documented error and the code the client gets", () => {
  it.each(rows)("$vendor → $operation", async (row) => {
    const undo = row.arrange?.();
    try {
      const res = await t.gql(row.query, row.variables());
      expectClientSees(res, row.sees());
      row.calls();
    } finally {
      if (typeof undo === "function") undo();
    }
  });

  it("refused and faulted writes left the vendor's licences and credit as they were", () => {
    const data = fs().data;
    const fresh = data.customers.find((c) => c.code === ex().customerWithoutLicencesCode)!;
    expect(data.licences.filter((l) => l.customerCode === fresh.code)).toEqual([]);
    expect(data.customers.find((c) => c.code === ex().customerAtDemoLimitCode)!.demosUsed).toBe(2);
    expect(data.licences.find((l) => l.id === ex().activeLicenceId)?.status).toBe("active");
    expect(data.credit).toBe(startingCredit);
  });
});

describe("regressions found by the table", () => {
  // Regression: a vendor's per-field refusal of a *query argument* reached the client without `extensions.field`
  // (FieldProblemsError kept its fields only in `problems`).
  it("a vendor's validation 500 on a query argument names the argument in extensions.field", async () => {
    const res = await t.gql(OFFERS, { id: who.withLicences, currency: "XYZ" });
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: ["customer", "availableLicenses"],
        extensions: { code: "BAD_USER_INPUT", source: SOURCE, field: ["currency"] },
      }),
    ]);
  });
});

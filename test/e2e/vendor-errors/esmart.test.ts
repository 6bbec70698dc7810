import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../../support/gateway.js";
import { accountOf, expectClientSees, payloadError, type Seen } from "./support.js";

/**
 * Every documented eSmart error (esmart.md: `{"Message":"..."}` with 400/401/403/404, 401 with `WWW-Authenticate:
 * Basic`; the ModelState of a refused PATCH is ASP.NET's, inferred) and the code a client of the gateway gets for
 * it. eSmart is a directory: its errors reach clients through Customer.profile, Controller.hardware and
 * updateCustomerContact. What the simulator's state can produce is produced that way (a user who may not see the
 * customer, a password the vendor no longer accepts, an id or serial number eSmart does not have); the rest is
 * injected as a status fault with the documented body.
 *
 * The PATCH rules are documented, and the gateway checks them before calling, so a ModelState cannot be provoked
 * through the gateway: the table shows both the gateway's own refusal (no call) and an injected ModelState.
 */

// Rows fail one source many times in a row: its circuit breaker (tested in test/resilience) would soon fail fast
// and hide the code each row is about, so it never opens here.
// Every row must reach the vendor's error: no cross-request cache in front of it (test/cache covers the cache).
const t = useTestGateway({
  sourceOverrides: { esmart: { resilience: { circuit: { volumeThreshold: 1_000_000 } } } },
  cache: { enabled: false },
});
afterEach(() => t.resetCalls());

const es = () => t.vendors.esmart;
const ex = () => es().data.examples;
const SOURCE = "esmart";
const CUSTOMER = "demo-customer-1";
/** A gateway customer mapped to an id eSmart has only in the other area (Net), so Power answers 404. */
const GHOST = "esmart-ghost";
let account = "";
let originalEmail: string | null = null;
beforeAll(async () => {
  account = await accountOf(t, CUSTOMER, SOURCE);
  originalEmail = es().data.customers.find((c) => c.area === 2 && c.CustomerId === account)!.Email;
  const res = await t.gql(`mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id } }`, {
    input: { id: GHOST, name: "Only in eSmart's Net area", accounts: [{ source: SOURCE, externalId: ex().netOnlyCustomerId }] },
  });
  expect(res.body.errors).toBeUndefined();
});

/** The registered controller whose serial number eSmart knows (or not), and the sofar licenses linked to it. */
function controllerWithSerial(serialNumber: string): string {
  const all = [...t.vendors.sofar.data.controllers, ...t.vendors.smartgridone.data.controllers];
  const found = all.find((c) => c.serialNumber === serialNumber);
  if (found === undefined) throw new Error(`no Eniris demo controller has serial number ${serialNumber}`);
  return found.nodeId;
}
function sofarKeysOn(nodeId: string): { key: string }[] {
  const sofar = t.vendors.sofar.data;
  const linked = new Set(sofar.datalinks.filter((d) => d.nodeId === nodeId).map((d) => d.licenseId));
  return sofar.licenses.filter((l) => linked.has(l.id)).map((l) => ({ key: l.key }));
}
const active = () => ({ serial: ex().activeGatewaySerialNumber, nodeId: controllerWithSerial(ex().activeGatewaySerialNumber) });

const customerPath = (id: string) => `/api/customers/${id}`;
const gatewayPath = (serial: string) => `/api/gateways/serialnumber/${serial}`;
const devicesPath = (externalId: string) => `/api/gateways/externalId/${externalId}/devices`;
const message = (Message: string) => ({ Message });

const PROFILE = `query($id: ID!) { customer(id: $id) { id profile { email } } }`;
const HARDWARE = `query($n: ID!) { controller(nodeId: $n) { nodeId serialNumber licenses(source: "sofar") { key } hardware { name } } }`;
const UPDATE = `mutation($input: UpdateCustomerContactInput!) { updateCustomerContact(input: $input) { profile { email } errors { code field source } } }`;
const VALID_CHANGE = () => ({ input: { customerId: CUSTOMER, email: "nieuw@verbeke.example" } });

const profileFailed = (code: string): Seen => ({
  data: { customer: { id: CUSTOMER, profile: null } },
  errors: [{ code, source: SOURCE, path: ["customer", "profile"] }],
});
const hardwareAnswer = (nodeId: string, serial: string, errors?: Seen["errors"]): Seen => ({
  data: { controller: { nodeId, serialNumber: serial, licenses: sofarKeysOn(nodeId), hardware: null } },
  ...(errors ? { errors } : {}),
});
const updateRefused = (...problems: [code: string, field: string[] | null][]): Seen => refusedBy(SOURCE, ...problems);
/** `source` is who refused: eSmart itself, or null when the gateway refused before asking it. */
const refusedBy = (source: string | null, ...problems: [code: string, field: string[] | null][]): Seen => ({
  data: { updateCustomerContact: { profile: null, errors: problems.map(([code, field]) => payloadError(code, source, field)) } },
});
const updateFailed = (code: string): Seen => ({ data: null, errors: [{ code, source: SOURCE, path: ["updateCustomerContact"] }] });

/** Scripted state: the gateway's eSmart user loses access to the customer, or its password stops working. */
function userLosesAccess(): () => void {
  const ids = [...t.esmartUser.customerIds];
  t.esmartUser.customerIds = ids.filter((id) => id !== account);
  return () => {
    t.esmartUser.customerIds = ids;
  };
}
function passwordRotated(): () => void {
  const password = t.esmartUser.password;
  t.esmartUser.password = `${password}-rotated`;
  return () => {
    t.esmartUser.password = password;
  };
}

interface Row {
  vendor: string;
  operation: string;
  /** Makes the vendor give that answer; may return an undo for scripted state. */
  arrange?: () => void | (() => void);
  query: string;
  variables: () => Record<string, unknown>;
  sees: () => Seen;
  calls: () => void;
}

const rows: Row[] = [
  // ---- Customer.profile ----------------------------------------------------------------------------------
  {
    vendor: '401 {"Message":"Authorization has been denied for this request."} + WWW-Authenticate: Basic (fault)',
    operation: "Customer.profile",
    arrange: () =>
      es().fault({
        method: "GET",
        path: customerPath(account),
        kind: "status",
        status: 401,
        headers: { "www-authenticate": 'Basic realm="nefwebapi.esmartapi.com"' },
        body: message("Authorization has been denied for this request."),
      }),
    query: PROFILE,
    variables: () => ({ id: CUSTOMER }),
    sees: () => profileFailed("UPSTREAM_UNAUTHENTICATED"),
    calls: () => expect(es().calls.count({ path: customerPath(account) })).toBe(1),
  },
  {
    vendor: "403 (data: the gateway's eSmart user may not see this customer)",
    operation: "Customer.profile",
    arrange: userLosesAccess,
    query: PROFILE,
    variables: () => ({ id: CUSTOMER }),
    sees: () => profileFailed("UPSTREAM_FORBIDDEN"),
    calls: () =>
      expect(
        es()
          .calls.list()
          .filter((c) => c.path === customerPath(account))
          .map((c) => c.status),
      ).toEqual([403]),
  },
  {
    vendor: "404 (data: an id eSmart does not have in the configured area)",
    operation: "Customer.profile",
    query: PROFILE,
    variables: () => ({ id: GHOST }),
    // No profile there is an answer, not a failure.
    sees: () => ({ data: { customer: { id: GHOST, profile: null } } }),
    calls: () =>
      expect(
        es()
          .calls.list()
          .filter((c) => c.path === customerPath(ex().netOnlyCustomerId))
          .map((c) => c.status),
      ).toEqual([404]),
  },
  // ---- Controller.hardware -------------------------------------------------------------------------------
  {
    vendor: '500 {"Message":"An error has occurred."} on the gateway (fault)',
    operation: "Controller.hardware",
    arrange: () => es().fault({ path: gatewayPath(active().serial), kind: "status", status: 500, body: message("An error has occurred.") }),
    query: HARDWARE,
    variables: () => ({ n: active().nodeId }),
    // hardware is null with the error; nodeId, serialNumber and the Sofar licenses still answer.
    sees: () =>
      hardwareAnswer(active().nodeId, active().serial, [
        { code: "UPSTREAM_UNAVAILABLE", source: SOURCE, path: ["controller", "hardware"] },
      ]),
    calls: () => {
      // A read: retried at most twice (resilience.retries; fewer once the file's earlier rows spent the retry budget).
      expect(es().calls.count({ path: gatewayPath(active().serial) })).toBeGreaterThanOrEqual(1);
      expect(es().calls.count({ path: gatewayPath(active().serial) })).toBeLessThanOrEqual(3);
      expect(sofarKeysOn(active().nodeId).length).toBeGreaterThan(0);
    },
  },
  {
    vendor: '500 {"Message":"An error has occurred."} on the devices behind it (fault)',
    operation: "Controller.hardware",
    arrange: () =>
      es().fault({ path: devicesPath(ex().activeGatewayExternalId), kind: "status", status: 500, body: message("An error has occurred.") }),
    query: HARDWARE,
    variables: () => ({ n: active().nodeId }),
    // A gateway without its devices would look like one that has none: the whole hardware fails.
    sees: () =>
      hardwareAnswer(active().nodeId, active().serial, [
        { code: "UPSTREAM_UNAVAILABLE", source: SOURCE, path: ["controller", "hardware"] },
      ]),
    // A read: retried at most twice (resilience.retries; fewer once the file's earlier rows spent the retry budget).
    calls: () => expect(es().calls.count({ path: devicesPath(ex().activeGatewayExternalId) })).toBeLessThanOrEqual(3),
  },
  {
    vendor: "404 (data: a controller whose serial number eSmart does not have)",
    operation: "Controller.hardware",
    query: HARDWARE,
    variables: () => ({ n: controllerWithSerial(ex().controllerSerialNumbersWithoutGateway[0]!) }),
    sees: () => {
      const serial = ex().controllerSerialNumbersWithoutGateway[0]!;
      return hardwareAnswer(controllerWithSerial(serial), serial);
    },
    calls: () => {
      const serial = ex().controllerSerialNumbersWithoutGateway[0]!;
      expect(
        es()
          .calls.list()
          .filter((c) => c.path === gatewayPath(serial))
          .map((c) => c.status),
      ).toEqual([404]);
    },
  },
  // ---- updateCustomerContact -----------------------------------------------------------------------------
  {
    vendor: "the documented PATCH rules, broken: refused by the gateway first, nothing sent",
    operation: "updateCustomerContact",
    query: UPDATE,
    variables: () => ({ input: { customerId: CUSTOMER, email: "not-an-email", phoneNumber: "123456789012345", mobileNumber: "+32 470" } }),
    // The gateway refused it before asking eSmart, like every input check of its own: no source reported it.
    sees: () =>
      refusedBy(
        null,
        ["BAD_USER_INPUT", ["input", "email"]],
        ["BAD_USER_INPUT", ["input", "phoneNumber"]],
        ["BAD_USER_INPUT", ["input", "mobileNumber"]],
      ),
    calls: () => expect(es().calls.count()).toBe(0),
  },
  {
    vendor: '400 {"Message":"The request is invalid.","ModelState":{…}} (fault)',
    operation: "updateCustomerContact",
    arrange: () =>
      es().fault({
        method: "PATCH",
        path: customerPath(account),
        kind: "status",
        status: 400,
        body: {
          Message: "The request is invalid.",
          ModelState: {
            "customer.Email": ["The Email field is not a valid e-mail address."],
            "customer.PhoneNumber": ["The field PhoneNumber must match the regular expression '^[0-9]+$'."],
          },
        },
      }),
    query: UPDATE,
    variables: () => ({ input: { customerId: CUSTOMER, email: "nieuw@verbeke.example", phoneNumber: "3250999999" } }),
    // One payload error per ModelState entry, at the client's own input field.
    sees: () => updateRefused(["BAD_USER_INPUT", ["input", "email"]], ["BAD_USER_INPUT", ["input", "phoneNumber"]]),
    calls: () => expect(es().calls.count({ method: "PATCH", path: customerPath(account) })).toBe(1),
  },
  {
    vendor: "401 + WWW-Authenticate: Basic (data: the gateway's password is no longer accepted)",
    operation: "updateCustomerContact",
    arrange: passwordRotated,
    query: UPDATE,
    variables: VALID_CHANGE,
    // The gateway's own credentials: an operator's problem, a GraphQL error rather than a payload error.
    sees: () => updateFailed("UPSTREAM_UNAUTHENTICATED"),
    calls: () =>
      expect(
        es()
          .calls.list()
          .filter((c) => c.method === "PATCH")
          .map((c) => c.status),
      ).toEqual([401]),
  },
  {
    vendor: "403 (data: the gateway's eSmart user may not change this customer)",
    operation: "updateCustomerContact",
    arrange: userLosesAccess,
    query: UPDATE,
    variables: VALID_CHANGE,
    sees: () => updateFailed("UPSTREAM_FORBIDDEN"),
    calls: () =>
      expect(
        es()
          .calls.list()
          .filter((c) => c.method === "PATCH")
          .map((c) => c.status),
      ).toEqual([403]),
  },
  {
    vendor: "404 (data: an id eSmart does not have in the configured area)",
    operation: "updateCustomerContact",
    query: UPDATE,
    variables: () => ({ input: { customerId: GHOST, email: "nieuw@example.com" } }),
    sees: () => updateRefused(["NOT_FOUND", null]),
    calls: () =>
      expect(
        es()
          .calls.list()
          .filter((c) => c.method === "PATCH")
          .map((c) => c.status),
      ).toEqual([404]),
  },
  {
    vendor: '500 {"Message":"An error has occurred."} (fault)',
    operation: "updateCustomerContact",
    arrange: () =>
      es().fault({ method: "PATCH", path: customerPath(account), kind: "status", status: 500, body: message("An error has occurred.") }),
    query: UPDATE,
    variables: VALID_CHANGE,
    sees: () => updateFailed("UPSTREAM_UNAVAILABLE"),
    // Not retried: a PATCH repeated after an unclear failure could overwrite a later change.
    calls: () => expect(es().calls.count({ method: "PATCH" })).toBe(1),
  },
];

describe("eSmart: every documented error and what the client gets", () => {
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

  it("refused and faulted updates left the customer's contact details at eSmart as they were", () => {
    const customer = es().data.customers.find((c) => c.area === 2 && c.CustomerId === account)!;
    expect(customer.Email).toBe(originalEmail);
    expect(customer.Email).not.toBe("nieuw@verbeke.example");
  });
});

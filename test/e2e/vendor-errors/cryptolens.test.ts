import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../../support/gateway.js";
import { expectClientSees, payloadError, type Seen } from "./support.js";

/**
 * Every documented Cryptolens error message (cryptolens.md "Error messages") and the code a client of the gateway
 * gets for it. Cryptolens signals errors by the message in `{"result":1,"message":...}`, on any HTTP status, so
 * the injected faults carry that body verbatim; the status is the one the simulator sends with the message (401
 * for the two token messages, 400 otherwise: the contract does not say), plus one row on HTTP 200 to show the
 * body decides. Messages the simulator's data can produce (an unknown customer or key, a blocked key, a key at its
 * machine limit) are produced that way.
 *
 * "The Secret was not specified." belongs to customer/GetCustomerLicensesBySecret, which the gateway never calls
 * (it maps customers by id and calls customer/GetCustomerLicenses), so no GraphQL operation can make the vendor say
 * it; its row injects it on the method the gateway does call, to show the client still gets a coded error.
 */

// Rows fail one source many times in a row: its circuit breaker (tested in test/resilience) would soon fail fast
// and hide the code each row is about, so it never opens here.
// Every row must reach the vendor's error: no cross-request cache in front of it (test/cache covers the cache).
const t = useTestGateway({
  sourceOverrides: { cryptolens: { resilience: { circuit: { volumeThreshold: 1_000_000 } } } },
  cache: { enabled: false },
});
afterEach(() => t.resetCalls());

const cl = () => t.vendors.cryptolens;
const ex = () => cl().data.examples;
const CUSTOMER = "demo-customer-1";
/** A gateway customer mapped to a Cryptolens customer id nobody has (created in beforeAll). */
const GHOST = "cryptolens-ghost";
beforeAll(async () => {
  const ghostId = Math.max(...cl().data.customers.map((c) => c.id)) + 1000;
  const res = await t.gql(`mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id } }`, {
    input: { id: GHOST, name: "Not a Cryptolens customer", accounts: [{ source: "cryptolens", externalId: String(ghostId) }] },
  });
  expect(res.body.errors).toBeUndefined();
});

const MSG = {
  unauthenticated: "Unable to authenticate.",
  accessDenied: "Access denied.",
  badInput: "The input parameters were incorrect.",
  customerNotFound: "Customer does not exist.",
  secretMissing: "The Secret was not specified.",
  productNotFound: "Could not find the product.",
  keyNotFound: "Could not find the key.",
  keyBlocked: "The key is blocked and cannot be accessed.",
  machineLimit: "Cannot activate the new device as the limit has been reached.",
} as const;

/** Method paths as the simulator sees them; casing is not significant at Cryptolens, so match without it. */
const METHOD = {
  customerLicenses: /\/api\/customer\/getcustomerlicenses$/i,
  getKey: /\/api\/key\/getkey$/i,
  activate: /\/api\/key\/activate$/i,
  deactivate: /\/api\/key\/deactivate$/i,
};
const said = (path: RegExp, message: string, status = message === MSG.unauthenticated || message === MSG.accessDenied ? 401 : 400) =>
  cl().fault({ path, kind: "status", status, body: { result: 1, message } });
const callsTo = (path: RegExp) => cl().calls.count({ path });

const CUSTOMER_LICENSES = `query($id: ID!) { customer(id: $id) { id licenses(source: "cryptolens") { key } } }`;
const BY_KEY = `query($key: String!) { licenseByKey(source: "cryptolens", key: $key) { key status } }`;
const ACTIVATE = `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { license { key } note errors { code field source } } }`;
const CLAIM = `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { datalink { id } license { key } errors { code field source } } }`;
const RELEASE = `mutation($input: ReleaseLicenseInput!) { releaseLicense(input: $input) { license { key } errors { code field source } } }`;

const listFailed = (customer: string, code: string): Seen => ({
  data: { customer: { id: customer, licenses: [] } },
  errors: [{ code, source: "cryptolens", path: ["customer", "licenses"] }],
});
const byKeyFailed = (code: string): Seen => ({
  data: { licenseByKey: null },
  errors: [{ code, source: "cryptolens", path: ["licenseByKey"] }],
});
const refused = (mutation: "activateLicense" | "claimLicense" | "releaseLicense", code: string): Seen => {
  const empty = {
    activateLicense: { license: null, note: null },
    claimLicense: { datalink: null, license: null },
    releaseLicense: { license: null },
  }[mutation];
  return { data: { [mutation]: { ...empty, errors: [payloadError(code, "cryptolens", ["input", "key"])] } } };
};
const mutationFailed = (mutation: string, code: string): Seen => ({
  data: null,
  errors: [{ code, source: "cryptolens", path: [mutation] }],
});

const keyInput = (key: string) => ({ input: { source: "cryptolens", key } });
const claimInput = (key: string, nodeId = ex().controllerWithoutKeyNodeId) => ({ input: { source: "cryptolens", key, nodeId } });
const UNKNOWN_KEY = "NOKEY-NOKEY-NOKEY-NOKEY";

interface Row {
  /** The vendor's message, as the contract documents it, and how it is produced. */
  vendor: string;
  operation: string;
  arrange?: () => void;
  query: string;
  variables: () => Record<string, unknown>;
  sees: () => Seen;
  /** Proves the message came from the vendor method named. */
  calls: () => void;
}

const rows: Row[] = [
  // ---- reads ---------------------------------------------------------------------------------------------
  {
    vendor: `"${MSG.unauthenticated}" (fault, HTTP 401)`,
    operation: "Customer.licenses",
    arrange: () => said(METHOD.customerLicenses, MSG.unauthenticated),
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    sees: () => listFailed(CUSTOMER, "UPSTREAM_UNAUTHENTICATED"),
    calls: () => expect(callsTo(METHOD.customerLicenses)).toBe(1),
  },
  {
    vendor: `"${MSG.unauthenticated}" on HTTP 200 (fault: the body decides, not the status)`,
    operation: "Customer.licenses",
    arrange: () => said(METHOD.customerLicenses, MSG.unauthenticated, 200),
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    sees: () => listFailed(CUSTOMER, "UPSTREAM_UNAUTHENTICATED"),
    calls: () => expect(callsTo(METHOD.customerLicenses)).toBe(1),
  },
  {
    vendor: `"${MSG.accessDenied}" (fault, HTTP 401)`,
    operation: "licenseByKey",
    arrange: () => said(METHOD.getKey, MSG.accessDenied),
    query: BY_KEY,
    variables: () => ({ key: ex().activeKeyWithFreeSlot }),
    sees: () => byKeyFailed("UPSTREAM_FORBIDDEN"),
    calls: () => expect(callsTo(METHOD.getKey)).toBe(1),
  },
  {
    vendor: `"${MSG.badInput}" (fault, HTTP 400)`,
    operation: "Customer.licenses",
    arrange: () => said(METHOD.customerLicenses, MSG.badInput),
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    // The gateway sent what it validated; the vendor refusing it is not the client's input error.
    sees: () => listFailed(CUSTOMER, "UPSTREAM_REJECTED"),
    calls: () => expect(callsTo(METHOD.customerLicenses)).toBe(1),
  },
  {
    vendor: `"${MSG.customerNotFound}" (data: an account id no Cryptolens customer has)`,
    operation: "Customer.licenses",
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: GHOST }),
    sees: () => listFailed(GHOST, "NOT_FOUND"),
    calls: () => expect(callsTo(METHOD.customerLicenses)).toBe(1),
  },
  {
    // Unreachable as documented (see the file comment): only GetCustomerLicensesBySecret says it.
    vendor: `"${MSG.secretMissing}" (fault on GetCustomerLicenses; the gateway never calls …BySecret)`,
    operation: "Customer.licenses",
    arrange: () => said(METHOD.customerLicenses, MSG.secretMissing),
    query: CUSTOMER_LICENSES,
    variables: () => ({ id: CUSTOMER }),
    sees: () => listFailed(CUSTOMER, "UPSTREAM_REJECTED"),
    calls: () => expect(callsTo(METHOD.customerLicenses)).toBe(1),
  },
  {
    vendor: `"${MSG.productNotFound}" (fault, HTTP 400)`,
    operation: "licenseByKey",
    arrange: () => said(METHOD.getKey, MSG.productNotFound),
    query: BY_KEY,
    variables: () => ({ key: ex().activeKeyWithFreeSlot }),
    // The product id is the source's configuration: an operator's problem, never a "no such license".
    sees: () => byKeyFailed("UPSTREAM_REJECTED"),
    calls: () => expect(callsTo(METHOD.getKey)).toBe(1),
  },
  {
    vendor: `"${MSG.keyNotFound}" (data: an unknown key)`,
    operation: "licenseByKey",
    query: BY_KEY,
    variables: () => ({ key: UNKNOWN_KEY }),
    // A lookup that finds nothing is null, as for every source; not an error.
    sees: () => ({ data: { licenseByKey: null } }),
    calls: () => expect(callsTo(METHOD.getKey)).toBe(1),
  },
  {
    vendor: `"${MSG.keyBlocked}" (data: a blocked key)`,
    operation: "licenseByKey",
    query: BY_KEY,
    variables: () => ({ key: ex().blockedKey }),
    // The key exists and says so: a License whose status is BLOCKED, not an error.
    sees: () => ({ data: { licenseByKey: { key: ex().blockedKey, status: "BLOCKED" } } }),
    calls: () => expect(callsTo(METHOD.getKey)).toBe(1),
  },
  // ---- activateLicense (key/GetKey: Cryptolens keys are active from creation) -----------------------------
  {
    vendor: `"${MSG.keyNotFound}" (data: an unknown key)`,
    operation: "activateLicense",
    query: ACTIVATE,
    variables: () => keyInput(UNKNOWN_KEY),
    sees: () => refused("activateLicense", "NOT_FOUND"),
    calls: () => expect(callsTo(METHOD.getKey)).toBe(1),
  },
  {
    vendor: `"${MSG.keyBlocked}" (data: a blocked key)`,
    operation: "activateLicense",
    query: ACTIVATE,
    variables: () => keyInput(ex().blockedKey),
    sees: () => refused("activateLicense", "LICENSE_BLOCKED"),
    calls: () => expect(callsTo(METHOD.getKey)).toBe(1),
  },
  {
    vendor: `"${MSG.productNotFound}" (fault, HTTP 400)`,
    operation: "activateLicense",
    arrange: () => said(METHOD.getKey, MSG.productNotFound),
    query: ACTIVATE,
    variables: () => keyInput(ex().activeKeyWithFreeSlot),
    sees: () => mutationFailed("activateLicense", "UPSTREAM_REJECTED"),
    calls: () => expect(callsTo(METHOD.getKey)).toBe(1),
  },
  // ---- claimLicense (key/Activate with MachineCode = nodeId; never retried) -------------------------------
  {
    vendor: `"${MSG.unauthenticated}" (fault, HTTP 401)`,
    operation: "claimLicense",
    arrange: () => said(METHOD.activate, MSG.unauthenticated),
    query: CLAIM,
    variables: () => claimInput(ex().activeKeyWithFreeSlot),
    sees: () => mutationFailed("claimLicense", "UPSTREAM_UNAUTHENTICATED"),
    calls: () => expect(callsTo(METHOD.activate)).toBe(1),
  },
  {
    vendor: `"${MSG.badInput}" (fault, HTTP 400)`,
    operation: "claimLicense",
    arrange: () => said(METHOD.activate, MSG.badInput),
    query: CLAIM,
    variables: () => claimInput(ex().activeKeyWithFreeSlot),
    sees: () => mutationFailed("claimLicense", "UPSTREAM_REJECTED"),
    calls: () => expect(callsTo(METHOD.activate)).toBe(1),
  },
  {
    vendor: `"${MSG.keyNotFound}" (data: an unknown key)`,
    operation: "claimLicense",
    query: CLAIM,
    variables: () => claimInput(UNKNOWN_KEY),
    sees: () => refused("claimLicense", "NOT_FOUND"),
    calls: () => expect(callsTo(METHOD.activate)).toBe(1),
  },
  {
    vendor: `"${MSG.keyBlocked}" (data: a blocked key)`,
    operation: "claimLicense",
    query: CLAIM,
    variables: () => claimInput(ex().blockedKey),
    sees: () => refused("claimLicense", "LICENSE_BLOCKED"),
    calls: () => expect(callsTo(METHOD.activate)).toBe(1),
  },
  {
    vendor: `"${MSG.machineLimit}" (data: a key at its machine limit)`,
    operation: "claimLicense",
    query: CLAIM,
    variables: () => claimInput(ex().keyAtMachineLimit),
    sees: () => refused("claimLicense", "LICENSE_CLAIM_LIMIT_REACHED"),
    calls: () => expect(callsTo(METHOD.activate)).toBe(1),
  },
  // ---- releaseLicense (key/Deactivate) --------------------------------------------------------------------
  {
    vendor: `"${MSG.accessDenied}" (fault, HTTP 401)`,
    operation: "releaseLicense",
    arrange: () => said(METHOD.deactivate, MSG.accessDenied),
    query: RELEASE,
    variables: () => claimInput(ex().keyActivatedOnController, ex().controllerWithKeyNodeId),
    sees: () => mutationFailed("releaseLicense", "UPSTREAM_FORBIDDEN"),
    calls: () => expect(callsTo(METHOD.deactivate)).toBe(1),
  },
  {
    vendor: `"${MSG.keyNotFound}" (data: an unknown key)`,
    operation: "releaseLicense",
    query: RELEASE,
    variables: () => claimInput(UNKNOWN_KEY, ex().controllerWithKeyNodeId),
    sees: () => refused("releaseLicense", "NOT_FOUND"),
    calls: () => expect(callsTo(METHOD.deactivate)).toBe(1),
  },
  {
    vendor: `"${MSG.keyBlocked}" (data: a blocked key)`,
    operation: "releaseLicense",
    query: RELEASE,
    variables: () => claimInput(ex().blockedKey, ex().controllerWithKeyNodeId),
    sees: () => refused("releaseLicense", "LICENSE_BLOCKED"),
    calls: () => expect(callsTo(METHOD.deactivate)).toBe(1),
  },
];

describe("Cryptolens: every documented error message and the code the client gets", () => {
  it.each(rows)("$vendor → $operation", async (row) => {
    row.arrange?.();
    const res = await t.gql(row.query, row.variables());
    expectClientSees(res, row.sees());
    row.calls();
  });

  it("refused and faulted claims and releases left every key's machines as they were", () => {
    const data = cl().data;
    const machines = (key: string) => data.keys.find((k) => k.key === key)!.activatedMachines.map((m) => m.mid);
    expect(machines(ex().activeKeyWithFreeSlot)).not.toContain(ex().controllerWithoutKeyNodeId);
    expect(machines(ex().keyAtMachineLimit)).not.toContain(ex().controllerWithoutKeyNodeId);
    expect(machines(ex().keyActivatedOnController)).toContain(ex().controllerWithKeyNodeId);
  });
});

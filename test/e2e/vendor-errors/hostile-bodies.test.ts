import { afterEach, describe, expect, it } from "vitest";
import { captureLogs } from "../../ops/log-capture.js";
import { useTestGateway } from "../../support/gateway.js";
import { accountOf, gatewayCustomerOf } from "./support.js";

/**
 * Regression (issue 13, item 7): the message inside a vendor's error body was appended to the client's error
 * (Eniris and eSmart unfiltered, Cryptolens and Customerarea with only an exact match of the configured credential
 * removed), so a vendor body carrying a refresh token, a password or an internal URL was shown to a partner.
 *
 * Every vendor answers every error status class with a hostile body in its own envelope: the whole HTTP body the
 * client receives holds none of it, and the log holds one line for the upstream error, with the request id, the
 * source, the endpoint template and the status, and the vendor's words with the secret shapes redacted.
 */
const logs = captureLogs("info");
const strict = { resilience: { retries: 0, circuit: { volumeThreshold: 1_000_000 } } };
const t = useTestGateway({
  logger: logs.logger,
  cache: { enabled: false },
  sourceOverrides: { sofar: strict, cryptolens: strict, flashstart: strict, esmart: strict },
});
afterEach(() => t.resetCalls());

const JWT_REFRESH_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJob3N0aWxlIn0.aG9zdGlsZS1zaWduYXR1cmUtOTE";
const PASSWORD = "Hunter2-hostile-PW-77";
const INTERNAL_URL = "http://10.0.0.5:8080/internal";
const MARKER = "HOSTILE-MARKER";

/** The configured credential of each source, as the gateway was started with it. */
const credential = (source: string): string => {
  const config = t.vendors.sources[source] as Record<string, unknown>;
  return String(config.refreshToken ?? config.token ?? config.apiKey ?? config.password);
};
/** What a hostile vendor says: a JWT-shaped refresh token, a password, an internal URL and the gateway's own credential. */
const hostile = (source: string) =>
  `${MARKER} refresh token ${JWT_REFRESH_TOKEN} refused; password: ${PASSWORD}; see ${INTERNAL_URL} (credential ${credential(source)})`;
/** Everything that must never reach a client. */
const forbidden = (source: string) => [MARKER, JWT_REFRESH_TOKEN, PASSWORD, INTERNAL_URL, "10.0.0.5", credential(source)];
/** Everything that must never reach the log. */
const secret = (source: string) => [JWT_REFRESH_TOKEN, PASSWORD, credential(source)];

const STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 503];

interface Vendor {
  source: string;
  /** The path the fault answers on, and the operation that reaches it. */
  path: () => string | RegExp;
  method?: string;
  query: string;
  variables: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** The vendor's error envelope around `text`. */
  body: (status: number, text: string) => unknown;
  /** How many vendor error lines one such answer leaves: 0 where the gateway reads the status as "none" (no error). */
  logged?: (status: number) => number;
}

let sofarAccount = "";
let esmartAccount = "";
const CUSTOMER = "demo-customer-1";

const reads: Vendor[] = [
  {
    source: "sofar",
    path: () => `/v1/license/customer/${sofarAccount}`,
    query: `query($id: ID!) { customer(id: $id) { id licenses(source: "sofar") { key } } }`,
    variables: async () => {
      sofarAccount ||= await accountOf(t, CUSTOMER, "sofar");
      return { id: CUSTOMER };
    },
    body: (status, text) => ({ statusCode: status, error: text, message: text }),
  },
  {
    source: "cryptolens",
    path: () => /\/api\/customer\/getcustomerlicenses$/i,
    query: `query($id: ID!) { customer(id: $id) { id licenses(source: "cryptolens") { key } } }`,
    variables: () => ({ id: CUSTOMER }),
    body: (_status, text) => ({ result: 1, message: text }),
  },
  {
    source: "flashstart",
    path: () => "/customerarea/licenses",
    query: `query($id: ID!) { customer(id: $id) { id licenses(source: "flashstart") { key } } }`,
    variables: async () => ({
      id: await gatewayCustomerOf(t, "flashstart", String(t.vendors.flashstart.data.examples.customerWithLicencesCode)),
    }),
    body: (status, text) => ({ code: status, message: text }),
  },
  {
    source: "esmart",
    path: () => `/api/customers/${esmartAccount}`,
    query: `query($id: ID!) { customer(id: $id) { id profile { email } } }`,
    variables: async () => {
      esmartAccount ||= await accountOf(t, CUSTOMER, "esmart");
      return { id: CUSTOMER };
    },
    body: (_status, text) => ({ Message: text }),
    // eSmart's 404 on a profile is "no such customer": a null profile, no error, nothing to log.
    logged: (status) => (status === 404 ? 0 : 1),
  },
];

/** The writes whose refusals carry per-field text: the vendors' validation answers. */
const writes: Array<Vendor & { statuses: number[] }> = [
  {
    source: "flashstart",
    statuses: [422, 500],
    path: () => "/customerarea/licenses/bulk",
    query: `mutation($input: AssignBulkLicenseInput!) { assignBulkLicense(input: $input) { license { id } errors { code message field source } } }`,
    variables: async () => ({
      input: {
        customerId: await gatewayCustomerOf(t, "flashstart", String(t.vendors.flashstart.data.examples.customerWithoutLicencesCode)),
        source: "flashstart",
        offerCode: t.vendors.flashstart.data.examples.affordableLicenseCode,
        info: "Headquarter",
      },
    }),
    body: (status, text) => ({ code: status, message: text, errors: { license_code: [text], license_info: [text], [text]: [text] } }),
  },
  {
    source: "esmart",
    statuses: [400],
    method: "PATCH",
    path: () => `/api/customers/${esmartAccount}`,
    query: `mutation($input: UpdateCustomerContactInput!) { updateCustomerContact(input: $input) { profile { email } errors { code message field source } } }`,
    variables: async () => {
      esmartAccount ||= await accountOf(t, CUSTOMER, "esmart");
      return { input: { customerId: CUSTOMER, email: "nieuw@verbeke.example" } };
    },
    body: (_status, text) => ({ Message: text, ModelState: { "customer.Email": [text], [`customer.${text}`]: [text], "": [text] } }),
  },
  {
    source: "sofar",
    statuses: [400],
    path: () => "/v1/license/activate",
    query: `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { license { key } errors { code message field source } } }`,
    variables: () => ({ input: { source: "sofar", key: t.vendors.sofar.data.examples.inactiveUnclaimedKey } }),
    body: (status, text) => ({ statusCode: status, error: text, message: text }),
  },
  {
    source: "cryptolens",
    statuses: [200, 400],
    path: () => /\/api\/key\/activate$/i,
    query: `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { license { key } errors { code message field source } } }`,
    variables: () => ({
      input: {
        source: "cryptolens",
        key: t.vendors.cryptolens.data.examples.activeUnactivatedKey,
        nodeId: t.vendors.cryptolens.data.examples.controllerWithoutKeyNodeId,
      },
    }),
    body: (_status, text) => ({ result: 1, message: text }),
  },
];

const cases = [
  ...reads.flatMap((vendor) => STATUSES.map((status) => ({ vendor, status, kind: "read" }))),
  ...writes.flatMap((vendor) => vendor.statuses.map((status) => ({ vendor, status, kind: "write" }))),
];

/** The vendor error lines of one request. */
async function vendorLines(requestId: string): Promise<Array<Record<string, any>>> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return logs.entries().filter((e) => e.requestId === requestId && e.msg === "vendor error answer");
}

describe("a vendor's error text reaches the log, redacted, and never the client", () => {
  it.each(cases)("$vendor.source $kind answering HTTP $status with a hostile body", async ({ vendor, status, kind }) => {
    const simulator = t.vendors[vendor.source as "sofar" | "cryptolens" | "flashstart" | "esmart"];
    const variables = await vendor.variables();
    simulator.fault({
      path: vendor.path(),
      ...(vendor.method ? { method: vendor.method } : {}),
      kind: "status",
      status,
      body: vendor.body(status, hostile(vendor.source)),
    });
    const requestId = `hostile-${vendor.source}-${kind}-${status}`;
    const res = await fetch(t.gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": requestId },
      body: JSON.stringify({ query: vendor.query, variables }),
    });
    const text = await res.text();
    const expected = vendor.logged?.(status) ?? 1;
    expect(simulator.calls.count({ path: vendor.path() }), "the fault was reached").toBeGreaterThan(0);
    if (expected > 0) expect(text, "the answer reports an error").toMatch(/"code":"[A-Z_]+"/);
    expect(
      forbidden(vendor.source).filter((s) => text.includes(s)),
      text,
    ).toEqual([]);

    const lines = await vendorLines(requestId);
    expect(lines, JSON.stringify(lines)).toHaveLength(expected);
    if (expected === 0) return;
    const [line] = lines;
    expect(line).toMatchObject({ source: vendor.source, status, requestId });
    expect(line!.endpoint).toMatch(/^\//);
    expect(line!.endpoint).not.toContain(sofarAccount || "no-account");
    expect(line!.vendorSaid).toContain(MARKER);
    expect(line!.vendorSaid).toContain("[redacted]");
    expect(line!.vendorSaid.length).toBeLessThanOrEqual(500);
    expect(secret(vendor.source).filter((s) => JSON.stringify(line).includes(s))).toEqual([]);
  });

  it("no line of the whole log holds a secret a vendor sent", () => {
    const text = logs.text();
    const all = [JWT_REFRESH_TOKEN, PASSWORD, ...["sofar", "cryptolens", "flashstart", "esmart"].map(credential)];
    expect(all.filter((s) => text.includes(s))).toEqual([]);
  });
});

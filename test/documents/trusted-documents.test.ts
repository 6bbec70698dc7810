import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestGateway, type GraphQLResponse } from "../support/gateway.js";
import { A, AUTH_ON, makePrincipals, type Principals } from "../auth/roles.js";
import { scrape } from "../observability/scrape.js";
import { captureLogs } from "../ops/log-capture.js";

/**
 * Trusted documents through the real server (src/documents/, src/server/trusted-documents.ts): an admin publishes
 * a partner key's operations, the partner sends them by id (POST and GET) or as text, and once the key is locked
 * nothing else runs, refused before any vendor is called, from the response cache included.
 */
const logs = captureLogs("info");
const t = useTestGateway({ auth: AUTH_ON, logger: logs.logger });
let who: Principals;
let partnerKeyId: string;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const PROFILE = `query PartnerCustomer($id: ID!) { customer(id: $id) { id name accounts { externalId source { id } } } }`;
const SOURCES = `query PartnerSources { sources { id kind } }`;
const CLAIM = `mutation PartnerClaim($input: ClaimLicenseInput!) { claimLicense(input: $input) { datalink { nodeId } errors { code field } } }`;
const OTHER = `query NotPublished($id: ID!) { customer(id: $id) { id name } }`;

type Operation = { query?: string; documentId?: string; operationName?: string; variables?: Record<string, unknown>; extensions?: unknown };

async function post(operation: Operation, headers: Record<string, string>): Promise<GraphQLResponse> {
  const res = await fetch(t.gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify(operation),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse["body"] };
}

/** The form a CDN caches: every parameter in the URL; the API key forces the CORS preflight Apollo's CSRF check wants. */
async function get(operation: Operation, headers: Record<string, string>): Promise<GraphQLResponse> {
  const url = new URL(t.gateway.url);
  for (const [name, value] of Object.entries(operation))
    url.searchParams.set(name, typeof value === "string" ? value : JSON.stringify(value));
  const res = await fetch(url, { headers: { accept: "application/json", ...headers } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse["body"] };
}

const admin = async (query: string, variables?: Record<string, unknown>) => {
  const res = await t.gql(query, variables, who.headers.admin);
  expect(res.body.errors).toBeUndefined();
  return res.body.data;
};
const codes = (res: GraphQLResponse) => res.body.errors?.map((e) => e.extensions?.code);
const partner = () => who.headers.partnerA;

const PUBLISH = `mutation($input: PublishTrustedDocumentsInput!) {
  publishTrustedDocuments(input: $input) { apiKey { id locked trustedDocuments { id operationType operationName } } added removed errors { code field message } }
}`;
const LOCK = `mutation($id: ID!, $locked: Boolean!) { setApiKeyLocked(input: { apiKeyId: $id, locked: $locked }) { apiKey { locked } errors { code } } }`;

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
  partnerKeyId = who.ids.partnerA.replace(/^apikey:/, "");
});

describe("publishing", () => {
  it("publishes a manifest's documents, checked against their ids, and lists them on the key", async () => {
    const { publishTrustedDocuments } = await admin(PUBLISH, {
      input: {
        apiKeyId: partnerKeyId,
        documents: [{ id: sha256(PROFILE), body: PROFILE }, { id: `sha256:${sha256(SOURCES)}`, body: SOURCES }, { body: CLAIM }],
      },
    });
    expect(publishTrustedDocuments).toEqual({
      apiKey: {
        id: partnerKeyId,
        locked: false,
        trustedDocuments: [
          { id: `sha256:${sha256(CLAIM)}`, operationType: "mutation", operationName: "PartnerClaim" },
          { id: `sha256:${sha256(PROFILE)}`, operationType: "query", operationName: "PartnerCustomer" },
          { id: `sha256:${sha256(SOURCES)}`, operationType: "query", operationName: "PartnerSources" },
        ],
      },
      added: 3,
      removed: 0,
      errors: [],
    });
    // Publishing the same documents again adds nothing: a hash names one text.
    const again = await admin(PUBLISH, { input: { apiKeyId: partnerKeyId, documents: [{ body: PROFILE }] } });
    expect(again.publishTrustedDocuments).toMatchObject({ added: 0, removed: 0, errors: [] });
  });

  it("refuses a publication with any bad document, naming each, and publishes none of it", async () => {
    const good = `query WouldBeFine { sources { id } }`;
    const { publishTrustedDocuments } = await admin(PUBLISH, {
      input: {
        apiKeyId: partnerKeyId,
        documents: [
          { body: good },
          { body: `query Broken { sources { id }` },
          { body: `query Unknown { sources { noSuchField } }` },
          { body: `query One { sources { id } } query Two { sources { kind } }` },
          { id: sha256("something else"), body: `query Mislabelled { sources { id } }` },
          { body: `query Deep { customers { edges { node { ${"licenses { customer { ".repeat(6)}id${" } }".repeat(6)} } } } }` },
        ],
      },
    });
    expect(publishTrustedDocuments.apiKey).toBeNull();
    expect(publishTrustedDocuments.errors.map((e: any) => [e.code, e.field.join(".")])).toEqual([
      ["BAD_USER_INPUT", "input.documents.1.body"],
      ["BAD_USER_INPUT", "input.documents.2.body"],
      ["BAD_USER_INPUT", "input.documents.3.body"],
      ["BAD_USER_INPUT", "input.documents.4.id"],
      ["BAD_USER_INPUT", "input.documents.5.body"],
    ]);
    expect(publishTrustedDocuments.errors[1].message).toContain("noSuchField");
    expect(publishTrustedDocuments.errors[2].message).toContain("exactly one operation");
    expect(publishTrustedDocuments.errors[3].message).toContain(`sha256:${sha256("query Mislabelled { sources { id } }")}`);
    expect(publishTrustedDocuments.errors[4].message).toMatch(/depth/i);
    const { apiKeys } = await admin(`{ apiKeys { id trustedDocuments { operationName } } }`);
    const names = apiKeys.find((k: any) => k.id === partnerKeyId).trustedDocuments.map((d: any) => d.operationName);
    expect(names).not.toContain("WouldBeFine");
  });

  it("says NOT_FOUND for an unknown key, and audits publications by document id, never by text", async () => {
    const unknown = await admin(PUBLISH, { input: { apiKeyId: "0000000000000000", documents: [{ body: SOURCES }] } });
    expect(unknown.publishTrustedDocuments.errors).toEqual([
      { code: "NOT_FOUND", field: ["input", "apiKeyId"], message: "no API key with id 0000000000000000" },
    ]);
    const entries = (await t.gateway.store.audit.recent(100)).filter(
      (e) => e.operation === "publishTrustedDocuments" && e.outcome === "ok",
    );
    expect(entries[0]).toMatchObject({
      principal: who.ids.admin,
      input: { apiKeyId: partnerKeyId, documentIds: [`sha256:${sha256(PROFILE)}`] },
    });
    expect(JSON.stringify(entries)).not.toContain("accounts { externalId");
  });
});

describe("an unlocked key", () => {
  it("runs a published document by id, over POST and GET, as it runs the text", async () => {
    const variables = { id: A };
    const byText = await post({ query: PROFILE, variables }, partner());
    expect(byText.body.errors).toBeUndefined();
    const byId = await post({ documentId: `sha256:${sha256(PROFILE)}`, variables }, partner());
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(byText.body);
    const byGet = await get({ documentId: `sha256:${sha256(PROFILE)}`, variables }, partner());
    expect(byGet.status).toBe(200);
    expect(byGet.body).toEqual(byText.body);
    // A GET by id is a query: a published mutation still needs a POST (Apollo's rule for every GET).
    const mutationByGet = await get(
      { documentId: `sha256:${sha256(CLAIM)}`, variables: { input: { source: "local", key: "NOPE", nodeId: "x" } } },
      partner(),
    );
    expect(mutationByGet.status).toBe(405);
  });

  it("still runs documents it did not publish, and logs and counts each one a lock would refuse", async () => {
    const before = await scrape(t.gateway.url);
    const outside = (scraped: typeof before) =>
      scraped.value("license_gateway_trusted_documents_total", { api_key: partnerKeyId, outcome: "outside" }) ?? 0;
    const inList = (scraped: typeof before) =>
      scraped.value("license_gateway_trusted_documents_total", { api_key: partnerKeyId, outcome: "in-list" }) ?? 0;
    const res = await post({ query: OTHER, variables: { id: A }, operationName: "NotPublished" }, partner());
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customer.id).toBe(A);
    await post({ query: PROFILE, variables: { id: A } }, partner());
    const after = await scrape(t.gateway.url);
    expect([outside(after) - outside(before), inList(after) - inList(before)]).toEqual([1, 1]);
    const logged = logs.entries().filter((e) => e.msg === "operation outside the API key's trusted documents (the key is not locked)");
    expect(logged.at(-1)).toMatchObject({
      apiKeyId: partnerKeyId,
      documentId: `sha256:${sha256(OTHER)}`,
      operationName: "NotPublished",
      requestId: expect.any(String),
    });
    // Keys without documents are not looked at: nothing is counted for the admin's key.
    await post({ query: OTHER, variables: { id: A } }, who.headers.admin);
    const adminKey = who.ids.admin.replace(/^apikey:/, "");
    expect(
      (await scrape(t.gateway.url)).value("license_gateway_trusted_documents_total", { api_key: adminKey, outcome: "outside" }),
    ).toBeUndefined();
  });

  it("refuses ids it never published, malformed ids, and an id sent with a text, before any vendor call", async () => {
    t.resetCalls();
    const unknown = await post({ documentId: `sha256:${sha256(OTHER)}`, variables: { id: A } }, partner());
    expect([unknown.status, codes(unknown)]).toEqual([400, ["PERSISTED_QUERY_NOT_IN_LIST"]]);
    expect(unknown.body.data).toBeUndefined();
    const malformed = await post({ documentId: "md5:abc" }, partner());
    expect([malformed.status, codes(malformed)]).toEqual([400, ["BAD_REQUEST"]]);
    const both = await post({ documentId: sha256(PROFILE), query: PROFILE }, partner());
    expect([both.status, codes(both)]).toEqual([400, ["BAD_REQUEST"]]);
    // Another key's documents are not this key's, and a JWT has none.
    const otherKey = await post({ documentId: sha256(PROFILE), variables: { id: A } }, who.headers.customerA);
    expect([otherKey.status, codes(otherKey)]).toEqual([400, ["PERSISTED_QUERY_NOT_IN_LIST"]]);
    const jwt = await post({ documentId: sha256(PROFILE), variables: { id: A } }, who.headers.partnerB);
    expect([jwt.status, codes(jwt)]).toEqual([400, ["PERSISTED_QUERY_NOT_IN_LIST"]]);
    expect(t.apiCalls()).toBe(0);
  });
});

describe("a locked key", () => {
  beforeAll(async () => {
    // Cached for this principal while unlocked: the lock must not be bypassed by the response cache.
    const warm = await post({ query: OTHER, variables: { id: A } }, partner());
    expect(warm.body.errors).toBeUndefined();
    const warmAgain = await post({ query: OTHER, variables: { id: A } }, partner());
    expect(warmAgain.headers.get("cache-status")).toContain("hit");
    expect((await admin(LOCK, { id: partnerKeyId, locked: true })).setApiKeyLocked).toEqual({ apiKey: { locked: true }, errors: [] });
  });

  it("refuses anything it did not publish with QUERY_NOT_IN_SAFELIST (403), cached answers included, calling no vendor", async () => {
    t.resetCalls();
    const other = await post({ query: OTHER, variables: { id: A } }, partner());
    expect([other.status, codes(other)]).toEqual([403, ["QUERY_NOT_IN_SAFELIST"]]);
    expect(other.body.data).toBeUndefined();
    // The same operation reformatted is another document: matching is by the exact text's hash.
    const reformatted = await post({ query: PROFILE.replace("{ id name", "{  id name"), variables: { id: A } }, partner());
    expect(codes(reformatted)).toEqual(["QUERY_NOT_IN_SAFELIST"]);
    const overGet = await get({ query: OTHER, variables: { id: A } }, partner());
    expect([overGet.status, codes(overGet)]).toEqual([403, ["QUERY_NOT_IN_SAFELIST"]]);
    // An APQ hash names one of its own documents or nothing; Apollo's shared APQ store is not consulted.
    const apq = await post({ variables: { id: A }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OTHER) } } }, partner());
    expect(codes(apq)).toEqual(["PERSISTED_QUERY_NOT_IN_LIST"]);
    expect(t.apiCalls()).toBe(0);
  });

  it("runs its published documents by id, by text and by APQ hash", async () => {
    const variables = { id: A };
    const byId = await post({ documentId: `sha256:${sha256(PROFILE)}`, variables }, partner());
    expect(byId.body.errors).toBeUndefined();
    expect(byId.body.data.customer.id).toBe(A);
    const byText = await post({ query: PROFILE, variables }, partner());
    expect(byText.body).toEqual(byId.body);
    const byApq = await post({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(PROFILE) } } }, partner());
    expect(byApq.body).toEqual(byId.body);
    const claim = await post(
      { documentId: sha256(CLAIM), variables: { input: { source: "local", key: "NO-SUCH-KEY", nodeId: "sofar-ctrl-002" } } },
      partner(),
    );
    expect(claim.body).toEqual({ data: { claimLicense: { datalink: null, errors: [{ code: "NOT_FOUND", field: ["input", "key"] }] } } });
  });

  it("leaves other keys alone, and runs anything again once unlocked", async () => {
    const adminRuns = await post({ query: OTHER, variables: { id: A } }, who.headers.admin);
    expect(adminRuns.body.errors).toBeUndefined();
    expect((await admin(LOCK, { id: partnerKeyId, locked: false })).setApiKeyLocked.apiKey.locked).toBe(false);
    const unlocked = await post({ query: OTHER, variables: { id: A } }, partner());
    expect(unlocked.body.errors).toBeUndefined();
    expect((await admin(LOCK, { id: partnerKeyId, locked: true })).setApiKeyLocked.apiKey.locked).toBe(true);
  });

  it("with replace, drops the documents left out: they are refused from the next request on", async () => {
    const { publishTrustedDocuments } = await admin(PUBLISH, {
      input: { apiKeyId: partnerKeyId, documents: [{ body: SOURCES }], replace: true },
    });
    expect(publishTrustedDocuments).toMatchObject({ added: 0, removed: 2, errors: [] });
    expect(publishTrustedDocuments.apiKey.trustedDocuments.map((d: any) => d.operationName)).toEqual(["PartnerSources"]);
    const dropped = await post({ documentId: sha256(PROFILE), variables: { id: A } }, partner());
    expect(codes(dropped)).toEqual(["PERSISTED_QUERY_NOT_IN_LIST"]);
    const kept = await post({ documentId: sha256(SOURCES) }, partner());
    expect(kept.body.errors).toBeUndefined();
    expect(kept.body.data.sources.length).toBeGreaterThan(0);
  });
});

describe("one document under several keys", () => {
  it("gives one document one createdAt under every key that holds it (two keys' lists said two values for one id)", async () => {
    // Later, so that a per-key date would differ (timestamps are kept to the microsecond at least).
    await new Promise((resolve) => setTimeout(resolve, 20));
    const created = await admin(
      `mutation { createApiKey(input: { name: "second partner app", role: PARTNER, grants: ["${A}"] }) { apiKey { id } } }`,
    );
    const other = created.createApiKey.apiKey.id as string;
    await admin(PUBLISH, { input: { apiKeyId: other, documents: [{ body: SOURCES }] } });
    const { apiKeys } = await admin(`{ apiKeys { id trustedDocuments { id createdAt } } }`);
    const dates = apiKeys
      .filter((k: any) => k.id === partnerKeyId || k.id === other)
      .map((k: any) => k.trustedDocuments.find((d: any) => d.id === `sha256:${sha256(SOURCES)}`)?.createdAt);
    expect(dates).toHaveLength(2);
    expect(dates[0]).toBeDefined();
    expect(dates[1]).toBe(dates[0]);
  });
});

import { readFile } from "node:fs/promises";
import { parse } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../examples/typed-client/client.js";
import { MANIFEST_FILE } from "../../examples/typed-client/codegen.js";
import {
  ActivateLicenseDocument,
  ClaimLicenseDocument,
  ControllerWithLicensesDocument,
  CustomerDashboardDocument,
  CustomersPageDocument,
  LicenseDetailsDocument,
} from "../../examples/typed-client/generated/graphql.js";
import { readManifest } from "../../src/documents/manifest.js";
import { A, AUTH_ON, makePrincipals, type Principals } from "../auth/roles.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * The partner flow end to end: the typed client's build output (generated/persisted-documents.json) is published
 * for a partner's key and the key locked, as an operator would; the client then runs every operation by id, and
 * anything its build does not contain is refused.
 */
const t = useTestGateway({ auth: AUTH_ON });
let who: Principals;

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
  const documents = readManifest(JSON.parse(await readFile(MANIFEST_FILE, "utf8")));
  const res = await t.gql(
    `mutation($input: PublishTrustedDocumentsInput!) { publishTrustedDocuments(input: $input) { added apiKey { locked } errors { code field message } } }`,
    { input: { apiKeyId: who.ids.partnerA.replace(/^apikey:/, ""), documents, lock: true } },
    who.headers.admin,
  );
  expect(res.body).toEqual({ data: { publishTrustedDocuments: { added: documents.length, apiKey: { locked: true }, errors: [] } } });
});

const byId = () => createClient({ url: t.gateway.url, headers: who.headers.partnerA, persistedDocuments: true });
const byText = () => createClient({ url: t.gateway.url, headers: who.headers.partnerA });

describe("the typed client on a key locked to its build's documents", () => {
  it("runs every operation by id", async () => {
    const dashboard = await byId().request(CustomerDashboardDocument, { id: A, licensesFirst: 100 });
    expect(dashboard.errors).toEqual([]);
    const licenses = dashboard.data.customer!.licensesConnection.edges.map((e) => e.node);
    expect(licenses.length).toBeGreaterThan(0);
    const customers = await byId().request(CustomersPageDocument, { first: 10 });
    expect(customers.data.customers.edges.map((e) => e.node.id)).toEqual([A]);
    const license = await byId().request(LicenseDetailsDocument, { id: licenses[0]!.id });
    expect(license.data.license?.id).toBe(licenses[0]!.id);
    const nodeId = dashboard.data.customer!.controllers[0]!.nodeId;
    const controller = await byId().request(ControllerWithLicensesDocument, { nodeId });
    expect(controller.data.controller?.nodeId).toBe(nodeId);
    // Both mutations run (their refusals come back in the payload, which is the operation having run).
    const activate = await byId().request(ActivateLicenseDocument, { input: { source: "local", key: "NO-SUCH-KEY" } });
    expect(activate.data.activateLicense.errors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    const claim = await byId().request(ClaimLicenseDocument, { input: { source: "local", key: "NO-SUCH-KEY", nodeId } });
    expect(claim.data.claimLicense.errors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
  });

  it("runs them as text too (matched by hash), and refuses what its build does not contain", async () => {
    const dashboard = await byText().request(CustomerDashboardDocument, { id: A });
    expect(dashboard.errors).toEqual([]);
    const notInBuild = parse("query SourceIds { sources { id } }") as TypedDocumentNode<unknown, Record<string, never>>;
    await expect(byText().request(notInBuild)).rejects.toMatchObject({
      name: "GraphQLRequestError",
      status: 403,
      codes: ["QUERY_NOT_IN_SAFELIST"],
    });
    await expect(byId().request(notInBuild)).rejects.toMatchObject({ status: 400, codes: ["PERSISTED_QUERY_NOT_IN_LIST"] });
  });
});

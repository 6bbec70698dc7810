import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createClient } from "../../examples/typed-client/client.js";
import { GENERATED_FILE, generateManifest, generateTypedClient, MANIFEST_FILE } from "../../examples/typed-client/codegen.js";
import * as generated from "../../examples/typed-client/generated/graphql.js";
import { customerPages } from "../../examples/typed-client/customer-pages.js";
import {
  ActivateLicenseDocument,
  ClaimLicenseDocument,
  ControllerWithLicensesDocument,
  CustomerDashboardDocument,
  LicenseDetailsDocument,
  type CustomerDashboardQueryVariables,
} from "../../examples/typed-client/generated/graphql.js";
import { DEMO_CUSTOMER_IDS } from "../../src/demo/seed.js";
import { useTestGateway } from "../support/gateway.js";

const t = useTestGateway();
const client = () => createClient({ url: t.gateway.url });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
// Started at once, so the compiler (about ten seconds) runs while the gateway starts rather than after it.
const typeCheck = promisify(execFile)(process.execPath, [tsc, "-p", "examples/typed-client/tsconfig.json"], { timeout: 90_000 }).then(
  () => "",
  (error: { stdout?: string; message: string }) => error.stdout || error.message,
);

describe("the typed client example (examples/typed-client)", () => {
  it("its committed generated code is what codegen gives for the current schema and operations", async () => {
    const committed = await readFile(GENERATED_FILE, "utf8");
    expect(committed === (await generateTypedClient()), "examples/typed-client/generated/graphql.ts is stale: run `npm run codegen`").toBe(
      true,
    );
  });

  it("its committed trusted-documents manifest is the generated operations' texts under their SHA-256", async () => {
    const committed = await readFile(MANIFEST_FILE, "utf8");
    expect(
      committed === (await generateManifest(generated)),
      "examples/typed-client/generated/persisted-documents.json is stale: run `npm run codegen`",
    ).toBe(true);
    // One entry per operation in operations/, GraphiQL's examples among them (fragments travel inside the operations
    // that use them).
    expect(Object.values(JSON.parse(committed)).map((text) => /^(query|mutation|subscription) (\w+)/.exec(text as string)?.[2])).toEqual([
      "ActivateLicense",
      "AllCustomersAndLicenses",
      "AssignDemo",
      "ClaimCryptolensKey",
      "ClaimLicense",
      "ControllerWithLicenses",
      "CustomerDashboard",
      "CustomerHealth",
      "CustomersPage",
      "ExpiringLicenses",
      "IssueLocalLicense",
      "LicenseDetails",
      "LicenseEvents",
      "LicenseEventsPage",
      "OneCustomer",
      "ReleaseLicense",
      "Sources",
      "UpdateContact",
    ]);
  });

  it("type-checks with its own tsconfig (the generated types, the client, and the misuses it must reject)", async () => {
    expect(await typeCheck, "tsc -p examples/typed-client").toBe("");
  }, 90_000);

  it("loads the customer dashboard: accounts, licenses from every source, controllers", async () => {
    const { data, errors } = await client().request(CustomerDashboardDocument, { id: "demo-customer-1", licensesFirst: 100 });
    expect(errors).toEqual([]);
    const customer = data.customer!;
    expect(customer.name).toBe("Zonnepark Verbeke NV");
    expect(customer.accounts.map((a) => a.source.id).sort()).toEqual(["cryptolens", "esmart", "flashstart", "smartgridone", "sofar"]);
    // The demo gives this customer licenses at every license vendor and in the local store.
    const licenses = customer.licensesConnection.edges.map((e) => e.node);
    expect(customer.licensesConnection).toMatchObject({ totalCount: licenses.length, pageInfo: { hasNextPage: false } });
    expect(new Set(licenses.map((l) => l.source.id))).toEqual(new Set(["cryptolens", "flashstart", "local", "smartgridone", "sofar"]));
    for (const license of licenses) expect(license.id.startsWith(`${license.source.id}:`)).toBe(true);
    expect(licenses.some((l) => l.datalinks.length > 0)).toBe(true);
    expect(customer.controllers.length).toBeGreaterThan(0);
    expect(customer.controllers.every((c) => c.nodeId.length > 0)).toBe(true);
  });

  it("pages through the dashboard's licenses with licensesFirst/licensesAfter", async () => {
    const { data: whole } = await client().request(CustomerDashboardDocument, { id: "demo-customer-1", licensesFirst: 100 });
    const ids: string[] = [];
    // Typed by hand, as in customer-pages.ts: the loop feeds each answer's cursor into the next request.
    const variables: CustomerDashboardQueryVariables = { id: "demo-customer-1", licensesFirst: 4, licensesAfter: null };
    for (;;) {
      const { data } = await client().request(CustomerDashboardDocument, variables);
      const page = data.customer!.licensesConnection;
      ids.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      variables.licensesAfter = page.pageInfo.endCursor;
    }
    expect(ids).toEqual(whole.customer!.licensesConnection.edges.map((e) => e.node.id));
  });

  it("pages through the customers list with first/after", async () => {
    const pages = [];
    for await (const page of customerPages(client(), 2)) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    const customers = pages.flat().map((e) => e.node);
    expect(customers.map((c) => c.id).sort()).toEqual([...DEMO_CUSTOMER_IDS]);
    // Customer.name is nullable in the schema (to merge with Controller.name) but never null.
    const names = customers.map((c) => c.name!);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it("loads a license by id with the controllers it is claimed for", async () => {
    const { data: dashboard } = await client().request(CustomerDashboardDocument, { id: "demo-customer-1", licensesFirst: 100 });
    const claimed = dashboard
      .customer!.licensesConnection.edges.map((e) => e.node)
      .find((l) => l.source.id === "sofar" && l.datalinks.length > 0)!;
    const { data, errors } = await client().request(LicenseDetailsDocument, { id: claimed.id });
    expect(errors).toEqual([]);
    expect(data.license).toMatchObject({ id: claimed.id, key: claimed.key, status: claimed.status, customer: { id: "demo-customer-1" } });
    expect(data.license!.datalinks.map((d) => d.controller?.nodeId)).toEqual(claimed.datalinks.map((d) => d.nodeId));
  });

  it("loads a controller with its licenses", async () => {
    const nodeId = t.vendors.sofar.data.examples.controllerWithLicensesNodeId;
    const { data, errors } = await client().request(ControllerWithLicensesDocument, { nodeId });
    expect(errors).toEqual([]);
    expect(data.controller).toMatchObject({ nodeId, customer: { id: "demo-customer-1" } });
    expect(data.controller!.licensesConnection.edges.map((e) => e.node.key)).toContain(t.vendors.sofar.data.examples.activeClaimedKey);
  });

  it("activates a license; a repeat with the same idempotencyKey returns the first result", async () => {
    const input = { source: "sofar", key: t.vendors.sofar.data.examples.inactiveUnclaimedKey, idempotencyKey: "typed-client-activate-1" };
    const first = await client().request(ActivateLicenseDocument, { input });
    expect(first.data.activateLicense.errors).toEqual([]);
    expect(first.data.activateLicense.license).toMatchObject({ key: input.key, status: "ACTIVE" });
    expect(first.data.activateLicense.license!.activatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const repeat = await client().request(ActivateLicenseDocument, { input });
    expect(repeat.data).toEqual(first.data);
    // Had the repeat run again, the vendor would have refused it: the license is active now.
    const withoutKey = await client().request(ActivateLicenseDocument, { input: { source: input.source, key: input.key } });
    expect(withoutKey.data.activateLicense.errors.map((e) => e.code)).toEqual(["LICENSE_ALREADY_ACTIVATED"]);
  });

  it("claims a license for a controller; a repeat with the same idempotencyKey returns the first result", async () => {
    const { activeUnclaimedKey: key, controllerWithoutLicensesNodeId: nodeId } = t.vendors.sofar.data.examples;
    const input = { source: "sofar", key, nodeId, idempotencyKey: "typed-client-claim-1" };
    const first = await client().request(ClaimLicenseDocument, { input });
    expect(first.data.claimLicense.errors).toEqual([]);
    expect(first.data.claimLicense.datalink).toMatchObject({ nodeId, controller: { nodeId } });
    expect(first.data.claimLicense.license).toMatchObject({ key, source: { id: "sofar" } });
    const repeat = await client().request(ClaimLicenseDocument, { input });
    expect(repeat.data).toEqual(first.data);
    const withoutKey = await client().request(ClaimLicenseDocument, { input: { source: "sofar", key, nodeId } });
    expect(withoutKey.data.claimLicense.errors).toMatchObject([{ code: "LICENSE_ALREADY_CLAIMED", field: expect.any(Array) }]);
    // And the controller's page now lists it.
    const { data } = await client().request(ControllerWithLicensesDocument, { nodeId });
    expect(data.controller!.licensesConnection.edges.map((e) => e.node.key)).toContain(key);
  });

  it("throws a GraphQLRequestError with the error codes when the gateway answers without data", async () => {
    // Only a cast gets past the compiler without the required id (type-checks.ts proves it is refused).
    const refused = client().request(CustomerDashboardDocument, {} as never);
    await expect(refused).rejects.toMatchObject({ name: "GraphQLRequestError", codes: ["BAD_USER_INPUT"] });
  });
});

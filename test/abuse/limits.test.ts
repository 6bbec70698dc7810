import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { expectRefused, expectWellFormed, get, healthz, post } from "./support.js";

/** Production mode (the default) with the default limits: every abusive request is refused with a code. */
const t = useTestGateway();
const url = () => t.gateway.url;
const json = (value: unknown) => JSON.stringify(value);
const query = (document: string, variables?: unknown) => post(url(), json({ query: document, variables }));

/** `customer { licenses { customer { ... } } }`, `levels` fields deep, ending in a scalar. */
function nested(levels: number): string {
  const fields = ['customer(id: "demo-customer-1")'];
  while (fields.length < levels - 1) fields.push(fields.length % 2 === 1 ? "licenses" : "customer");
  const leaf = fields.length % 2 === 1 ? "name" : "key";
  return `{ ${fields.map((f) => `${f} {`).join(" ")} ${leaf} ${"}".repeat(fields.length)} }`;
}

describe("depth", () => {
  it("a document 50 selections deep is refused before it is parsed", async () => {
    const deep = `{ ${"customers { ".repeat(50)}id${" }".repeat(50)} }`;
    const [error] = expectRefused(await query(deep), 400, "OPERATION_LIMIT_EXCEEDED", "maxDepth");
    expect(error!.message).toMatch(/nests/);
  });

  it("13 levels are refused by the depth rule, before any cost is estimated", async () => {
    const [error] = expectRefused(await query(nested(13)), 400, "OPERATION_LIMIT_EXCEEDED", "maxDepth");
    expect(error!.message).toBe("Query depth limit of 12 exceeded, found 13.");
  });

  it("11 levels with three lists answer", async () => {
    const document = `{ customers(first: 1) { edges { node { licenses { customer { licenses { customer { licenses { customer { profile { email } } } } } } } } } } }`;
    const body = expectWellFormed(await query(document));
    expect(body.errors).toBeUndefined();
  });

  it("fragments do not hide depth", async () => {
    const document = `{ customer(id: "demo-customer-1") { ...C } }
      fragment C on Customer { licenses { customer { licenses { customer { licenses { customer { licenses { customer { licenses { customer { licenses { key } } } } } } } } } } } }`;
    expectRefused(await query(document), 400, "OPERATION_LIMIT_EXCEEDED", "maxDepth");
  });

  it("an input value nested 1,600 deep inside the document is refused before it is parsed", async () => {
    const document = `{ license(id: ${"[".repeat(1600)}"x"${"]".repeat(1600)}) { key } }`;
    expectRefused(await query(document), 400, "OPERATION_LIMIT_EXCEEDED", "maxDepth");
  });
});

describe("width, aliases, tokens, directives, cost", () => {
  it("1,000 repeated fields exceed graphql-js's own validation budget: a coded validation error", async () => {
    expectRefused(await query(`{${" sources { id }".repeat(1_000)} }`), 400, "GRAPHQL_VALIDATION_FAILED");
  });

  it("500 aliases are refused; 30 answer", async () => {
    const aliased = (n: number) => `{${Array.from({ length: n }, (_, i) => ` a${i}: sources { id }`).join("")} }`;
    expectRefused(await query(aliased(500)), 400, "OPERATION_LIMIT_EXCEEDED", "maxAliases");
    expect(expectWellFormed(await query(aliased(30))).errors).toBeUndefined();
  });

  it("aliases of __typename count too", async () => {
    const document = `{${Array.from({ length: 31 }, (_, i) => ` t${i}: __typename`).join("")} }`;
    expectRefused(await query(document), 400, "OPERATION_LIMIT_EXCEEDED", "maxAliases");
  });

  it("a document of more than 5,000 tokens is refused before it is parsed", async () => {
    expectRefused(await query(`{ sources { ${"id ".repeat(5_000)}} }`), 400, "OPERATION_LIMIT_EXCEEDED", "maxTokens");
  });

  it("comments are not tokens: a 900 KB comment is only read", async () => {
    const body = expectWellFormed(await query(`{ __typename ${"#".repeat(900_000)}\n}`));
    expect(body).toEqual({ data: { __typename: "Query" } });
  });

  it("more than 20 directives are refused", async () => {
    const document = `{ sources { ${Array.from({ length: 21 }, () => "id @include(if: true)").join(" ")} } }`;
    expectRefused(await query(document), 400, "OPERATION_LIMIT_EXCEEDED", "maxDirectives");
  });

  it("an operation costing more than 20,000 is refused before any vendor is called", async () => {
    t.resetCalls();
    const licenses = Array.from(
      { length: 12 },
      (_, i) => `l${i}: licenses { key status source { id } datalinks { controller { nodeId name } } }`,
    );
    const costly = `{ customers(first: 100) { edges { node { ${licenses.join(" ")} } } } }`;
    const [error] = expectRefused(await query(costly), 400, "OPERATION_LIMIT_EXCEEDED", "maxCost");
    expect(error!.message).toMatch(/^Query Cost limit of 20000 exceeded, found \d+/);
    expect(t.apiCalls()).toBe(0);
  });

  it("lists within lists are stopped once 20,000 fields are resolved (regression: a 12-deep customer/licenses chain, a million licenses, ran the process out of memory)", async () => {
    const res = await query(nested(12));
    const body = expectWellFormed(res);
    expect(res.status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toEqual({ code: "OPERATION_LIMIT_EXCEEDED", limit: "maxResolvedFields" });
  });
});

describe("batches, bodies, variables", () => {
  it("batching is off by default: a batch of 100 operations is a BAD_REQUEST", async () => {
    const batch = Array.from({ length: 100 }, () => ({ query: "{ __typename }" }));
    expectRefused(await post(url(), json(batch)), 400, "BAD_REQUEST");
  });

  it("a 2 MB document is refused with 413, from its Content-Length, and the connection closes cleanly", async () => {
    const res = await query(`{ __typename ${"#".repeat(2 * 1024 * 1024)}\n}`);
    expectRefused(res, 413, "OPERATION_LIMIT_EXCEEDED", "maxBodyBytes");
    expect(res.headers.get("connection")).toBe("close");
  });

  it("2 MB of variables are refused with 413", async () => {
    expectRefused(
      await query("query($v: String) { __typename }", { v: "x".repeat(2 * 1024 * 1024) }),
      413,
      "OPERATION_LIMIT_EXCEEDED",
      "maxBodyBytes",
    );
  });

  it("variables holding more than 5,000 values are refused", async () => {
    const accounts = Array.from({ length: 3_000 }, (_, i) => ({ source: "local", externalId: `x${i}` }));
    const upsert = "mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id } }";
    expectRefused(await query(upsert, { input: { name: "Flood", accounts } }), 400, "OPERATION_LIMIT_EXCEEDED", "maxVariableValues");
  });

  it("variables nested 100,000 deep are refused (the check does not recurse)", async () => {
    const body = `{"query":"query($v: String) { __typename }","variables":{"v":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
    expectRefused(await post(url(), body), 400, "OPERATION_LIMIT_EXCEEDED", "maxVariableDepth");
  });

  it("a GET whose URL is over Node's 16 KiB header limit is 431 with a coded body", async () => {
    const res = await get(url(), { query: `{ ${"__typename ".repeat(2_000)}}` });
    expectRefused(res, 431, "BAD_REQUEST");
  });

  it("the limits apply to GET requests' parameters too", async () => {
    const deep = "[".repeat(20) + "]".repeat(20);
    expectRefused(
      await get(url(), { query: "query($v: String) { __typename }", variables: `{"v":${deep}}` }),
      400,
      "OPERATION_LIMIT_EXCEEDED",
      "maxVariableDepth",
    );
    expectRefused(await get(url(), { query: `{ sources { ${"id ".repeat(5_001)}} }` }), 400, "OPERATION_LIMIT_EXCEEDED", "maxTokens");
  });
});

describe("malformed requests", () => {
  it("bytes that are not HTTP get a coded 400, not Node's bare status line", async () => {
    const { port } = new URL(url());
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => socket.end("NOT HTTP AT ALL\r\n\r\n"));
      let text = "";
      socket
        .setEncoding("utf8")
        .on("data", (chunk: string) => (text += chunk))
        .on("end", () => resolve(text))
        .on("error", reject);
    });
    const [head = "", body = ""] = raw.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(body)).toEqual({ errors: [{ message: "the request is not valid HTTP", extensions: { code: "BAD_REQUEST" } }] });
  });

  it("malformed JSON is a BAD_REQUEST", async () => {
    expectRefused(await post(url(), '{"query": "{ __typename }"'), 400, "BAD_REQUEST");
  });

  it("a body that is not UTF-8 is a BAD_REQUEST", async () => {
    const bytes = Buffer.concat([Buffer.from('{"query":"{ __typename }","x":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    expectRefused(await post(url(), new Uint8Array(bytes)), 400, "BAD_REQUEST");
  });

  it.each([
    ["a JSON string", '"{ __typename }"'],
    ["null", "null"],
    ["an empty body", ""],
    ["a query that is not a string", '{"query": 42}'],
    ["variables as a string", '{"query": "{ __typename }", "variables": "{}"}'],
    ["no query at all", '{"variables": {}}'],
    ["an unsupported persisted-query version", '{"extensions": {"persistedQuery": {"version": 2}}}'],
  ])("%s is a BAD_REQUEST", async (_, body) => {
    expectRefused(await post(url(), body), 400, "BAD_REQUEST");
  });

  it("a content type that is neither JSON nor a simple one is Apollo's BAD_REQUEST", async () => {
    expectRefused(await post(url(), json({ query: "{ __typename }" }), { "content-type": "application/xml" }), 400, "BAD_REQUEST");
  });

  it.each([
    ["text/plain", { "content-type": "text/plain" }],
    ["a form", { "content-type": "application/x-www-form-urlencoded" }],
    ["no content type", {}],
  ])("a simple POST (%s) is refused by CSRF prevention", async (_, headers: Record<string, string>) => {
    const [error] = expectRefused(await post(url(), json({ query: "{ __typename }" }), headers), 400, "BAD_REQUEST");
    expect(error!.message).toContain("Cross-Site Request Forgery");
  });

  it("a GET without a preflight header is refused by CSRF prevention; with one it answers", async () => {
    expectRefused(await get(url(), { query: "{ __typename }" }, {}), 400, "BAD_REQUEST");
    expect(expectWellFormed(await get(url(), { query: "{ __typename }" }))).toEqual({ data: { __typename: "Query" } });
  });

  it("a mutation over GET is 405 with Allow: POST", async () => {
    const res = await get(url(), { query: 'mutation { issueLicense(input: { key: "GET-1" }) { key } }' });
    expectRefused(res, 405, "BAD_REQUEST");
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("a subscription is a validation error (the schema has none), not an internal one", async () => {
    expectRefused(await query("subscription { sources { id } }"), 400, "GRAPHQL_VALIDATION_FAILED");
  });

  it("a syntax error is GRAPHQL_PARSE_FAILED", async () => {
    expectRefused(await query("{ sources { id }"), 400, "GRAPHQL_PARSE_FAILED");
  });
});

describe("production mode hides the schema", () => {
  it.each(["{ __schema { types { name } } }", '{ __type(name: "License") { fields { name } } }'])(
    "introspection is refused: %s",
    async (document) => {
      expectRefused(await query(document), 400, "INTROSPECTION_DISABLED");
    },
  );

  it("__typename is not introspection", async () => {
    expect(expectWellFormed(await query("{ __typename }"))).toEqual({ data: { __typename: "Query" } });
  });

  it.each([
    ["a misspelt field", "{ sourcs { id } }", undefined],
    ["a misspelt argument", "{ customers(frist: 1) { edges { cursor } } }", undefined],
    ["a misspelt enum value", "{ customers { edges { node { licenses(status: ACTIV) { key } } } } }", undefined],
    [
      "a misspelt enum value in variables",
      "query($s: LicenseStatus) { customers { edges { node { licenses(status: $s) { key } } } } }",
      { s: "ACTIV" },
    ],
    [
      "a misspelt input field in variables",
      "mutation($i: ActivateLicenseInput!) { activateLicense(input: $i) { errors { code } } }",
      { i: { source: "sofar", kee: "K" } },
    ],
    ["a misspelt type", "query($s: LicenseStatu) { __typename }", undefined],
  ])("field suggestions are hidden: %s", async (_, document, variables) => {
    const res = await query(document, variables);
    const body = expectWellFormed(res);
    expect(body.errors?.length, res.text).toBeGreaterThan(0);
    expect(res.text).not.toContain("Did you mean");
  });

  it("GraphiQL still loads, says why it has no schema, and does not try to introspect", async () => {
    const res = await fetch(url(), { headers: { accept: "text/html" } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('id="graphiql-notice"');
    expect(html).toContain('"introspection":false');
  });
});

describe("GraphQL-over-HTTP media types", () => {
  const accept = { "content-type": "application/json", accept: "application/graphql-response+json, application/json;q=0.9" };

  it("a refusal before Apollo answers in the media type the client prefers", async () => {
    const res = await post(url(), '{"query": ', accept);
    expectRefused(res, 400, "BAD_REQUEST");
    expect(res.contentType).toBe("application/graphql-response+json; charset=utf-8");
  });

  it("a limit refused during validation is 400 in either media type", async () => {
    const aliased = json({ query: `{${Array.from({ length: 31 }, (_, i) => ` a${i}: sources { id }`).join("")} }` });
    const preferred = await post(url(), aliased, accept);
    expectRefused(preferred, 400, "OPERATION_LIMIT_EXCEEDED", "maxAliases");
    expect(preferred.contentType).toBe("application/graphql-response+json; charset=utf-8");
    const plain = await post(url(), aliased);
    expectRefused(plain, 400, "OPERATION_LIMIT_EXCEEDED", "maxAliases");
    expect(plain.contentType).toBe("application/json; charset=utf-8");
  });

  it("an execution error with data is 200", async () => {
    const res = await query('{ license(id: "no-colon") { key } sources { id } }');
    expect(res.status).toBe(200);
    const body = expectWellFormed(res);
    expect(body.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
  });
});

it("is still up after all of it", async () => {
  expect((await healthz(url())).status).toBe(200);
  expect(expectWellFormed(await query("{ sources { id } }")).errors).toBeUndefined();
});

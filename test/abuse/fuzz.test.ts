import { readFileSync } from "node:fs";
import fc from "fast-check";
import {
  buildSchema,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLInputType,
  type GraphQLNamedType,
} from "graphql";
import { expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { expectWellFormed, healthz, type RawResponse } from "./support.js";

/**
 * Property: whatever a client sends (documents built from the schema's own names, token soup, broken JSON,
 * random variables, over POST, GET or in batches), the answer is a well-formed GraphQL response whose errors all
 * carry a code a client may branch on, never INTERNAL_SERVER_ERROR, within 10 s; and the server stays up.
 * Bounded: 200 runs or 20 s, whichever comes first (a typical run takes 15 ms). FUZZ_SEED=<seed> replays a
 * failure fast-check reported; FUZZ_RUNS=<n> runs a longer campaign (still stopped after 20 s).
 */
const t = useTestGateway();

const schema = buildSchema(readFileSync(new URL("../../schema/schema.graphql", import.meta.url), "utf8"));
const names = new Set<string>();
for (const type of Object.values(schema.getTypeMap())) {
  if (type.name.startsWith("__")) continue;
  names.add(type.name);
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      names.add(field.name);
      for (const arg of "args" in field ? field.args : []) names.add(arg.name);
    }
  }
  if (isEnumType(type)) for (const value of type.getValues()) names.add(value.name);
}
const NAMES = [...names, "__typename", "__schema", "__type", "id", "first", "after"];
const KEYWORDS = ["query", "mutation", "subscription", "fragment", "on", "true", "false", "null", "schema", "type", "extend"];
const PUNCTUATORS = ["{", "}", "(", ")", "[", "]", ":", "$", "@", "...", "!", "=", "|", "&", ","];

const name = fc.constantFrom(...NAMES);
const token = fc.oneof(
  { weight: 6, arbitrary: name },
  { weight: 4, arbitrary: fc.constantFrom(...PUNCTUATORS) },
  { weight: 2, arbitrary: fc.constantFrom(...KEYWORDS) },
  fc.integer().map(String),
  fc.double({ noNaN: true }).map(String),
  fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)),
  fc.string({ maxLength: 20, unit: "binary" }),
  name.map((n) => `$${n}`),
  fc.constantFrom("@include(if: true)", "@skip(if: $v)", "@deprecated", '"""block\nstring"""', "# comment\n", "\u0000", "\uFFFF", "\uD800"),
);
const soup = fc.array(token, { maxLength: 120 }).map((tokens) => tokens.join(" "));

/** Documents shaped like GraphQL, from the schema's names, so many get past the parser and into validation. */
const { document } = fc.letrec<{ value: string; selection: string; selections: string; document: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.string({ maxLength: 30 }).map((s) => JSON.stringify(s)),
    fc.constantFrom("true", "false", "null"),
    name,
    name.map((n) => `$${n}`),
    fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(", ")}]`),
    fc.array(fc.tuple(name, tie("value")), { maxLength: 4 }).map((fields) => `{ ${fields.map(([k, v]) => `${k}: ${v}`).join(", ")} }`),
  ),
  selection: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    name,
    fc
      .record({
        alias: fc.option(
          name.map((n) => `${n}_a`),
          { nil: "" },
        ),
        field: name,
        args: fc.array(fc.tuple(name, tie("value")), { maxLength: 3 }),
        directive: fc.constantFrom("", "", "@include(if: true)", "@skip(if: false)", "@include(if: $v)", "@nope"),
        selections: fc.option(tie("selections"), { nil: "" }),
      })
      .map(
        ({ alias, field, args, directive, selections }) =>
          `${alias ? `${alias}: ` : ""}${field}${args.length ? `(${args.map(([k, v]) => `${k}: ${v}`).join(", ")})` : ""} ${directive} ${selections}`,
      ),
    fc.tuple(name, tie("selections")).map(([type, selections]) => `... on ${type} ${selections}`),
    name.map((n) => `...${n}`),
  ),
  selections: fc.array(tie("selection"), { minLength: 1, maxLength: 5 }).map((items) => `{ ${items.join(" ")} }`),
  document: fc
    .record({
      kind: fc.constantFrom("", "query", "query", "mutation", "subscription"),
      name: fc.option(
        name.map((n) => `${n}Op`),
        { nil: "" },
      ),
      variables: fc.array(
        fc.tuple(name, fc.constantFrom("String", "Int", "ID!", "[String!]", "LicenseStatus", "ActivateLicenseInput!", "Nope")),
        { maxLength: 3 },
      ),
      selections: tie("selections"),
      fragment: fc.option(fc.tuple(name, name, tie("selections")), { nil: undefined }),
    })
    .map(({ kind, name: operationName, variables, selections, fragment }) => {
      const definitions = variables.length && kind ? `(${variables.map(([n, type]) => `$${n}: ${type}`).join(", ")})` : "";
      const head = kind ? `${kind} ${operationName}${definitions} ` : "";
      return `${head}${selections}${fragment ? `\nfragment ${fragment[0]} on ${fragment[1]} ${fragment[2]}` : ""}`;
    }),
}));

/** Values the demo data knows, so some operations find something and go deeper into the resolvers. */
const KNOWN_STRINGS = [
  "demo-customer-1",
  "demo-customer-2",
  "sofar",
  "smartgridone",
  "cryptolens",
  "flashstart",
  "esmart",
  "local",
  "sofar-ctrl-001",
  "SOFAR-RES-0001",
  "sofar:x",
  "2026-01-01T00:00:00Z",
];

/** A value for an input type: usually of the right kind, sometimes not. */
function inputValue(type: GraphQLInputType, depth = 0): fc.Arbitrary<string> {
  const wrong = fc.constantFrom("null", "1", '"x"', "[]", "{}", "$v", "NOPE");
  if (isNonNullType(type)) return inputValue(type.ofType, depth);
  if (isListType(type))
    return fc.array(inputValue(type.ofType, depth + 1), { maxLength: depth > 1 ? 0 : 3 }).map((items) => `[${items.join(", ")}]`);
  let right: fc.Arbitrary<string>;
  if (isEnumType(type)) right = fc.constantFrom(...type.getValues().map((v) => v.name));
  else if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    right =
      depth > 2
        ? fc.constant("{}")
        : fc
            .subarray(fields)
            .chain((chosen) =>
              fc
                .tuple(...chosen.map((f) => inputValue(f.type, depth + 1).map((v) => `${f.name}: ${v}`)))
                .map((pairs) => `{ ${pairs.join(", ")} }`),
            );
  } else if (type.name === "Int") right = fc.integer({ min: -5, max: 150 }).map(String);
  else if (type.name === "Boolean") right = fc.boolean().map(String);
  else right = fc.oneof(fc.constantFrom(...KNOWN_STRINGS), fc.string({ maxLength: 60 })).map((v) => JSON.stringify(v));
  return fc.oneof({ weight: 19, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

const selectionCache = new Map<string, fc.Arbitrary<string>>();

/** A selection set valid for `type` (fields, arguments, inline fragments on possible types), `depth` levels down at most. */
function selectionsOf(type: GraphQLNamedType, depth: number): fc.Arbitrary<string> {
  const key = `${type.name}/${depth}`;
  const cached = selectionCache.get(key);
  if (cached) return cached;
  let arbitrary: fc.Arbitrary<string>;
  if (isAbstractType(type)) {
    const possible = schema.getPossibleTypes(type);
    arbitrary = fc.constantFrom(...possible).chain((p) => selectionsOf(p, depth).map((set) => `{ __typename ... on ${p.name} ${set} }`));
  } else if (isObjectType(type) || isInterfaceType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isLeafType(getNamedType(f.type)) || depth > 0);
    if (fields.length === 0) return fc.constant("{ __typename }");
    arbitrary = fc.subarray(fields, { minLength: 1, maxLength: Math.min(4, fields.length) }).chain((chosen) =>
      fc
        .tuple(
          ...chosen.map((field) => {
            // Required arguments are mostly given, optional ones half the time.
            const args = fc.tuple(
              ...field.args.map((arg) => fc.option(inputValue(arg.type), { nil: undefined, freq: isNonNullType(arg.type) ? 10 : 2 })),
            );
            const named = getNamedType(field.type);
            const sub = isLeafType(named) ? fc.constant("") : selectionsOf(named, depth - 1);
            return fc.tuple(args, sub).map(([values, set]) => {
              const given = field.args.flatMap((arg, i) => (values[i] === undefined ? [] : [`${arg.name}: ${values[i]}`]));
              return `${field.name}${given.length ? `(${given.join(", ")})` : ""} ${set}`;
            });
          }),
        )
        .map((parts) => `{ ${parts.join(" ")} }`),
    );
  } else {
    arbitrary = fc.constant("");
  }
  selectionCache.set(key, arbitrary);
  return arbitrary;
}

/** Valid operations, mostly: they pass validation and run the resolvers against the demo data. */
const schemaDocument = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }).chain((depth) => selectionsOf(schema.getQueryType()!, depth)) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 3 })
      .chain((depth) => selectionsOf(schema.getMutationType()!, depth))
      .map((set) => `mutation ${set}`),
  },
);

/** A shaped document with a few tokens inserted or deleted: near misses exercise the parser's error paths. */
const mutated = fc
  .tuple(fc.oneof(document, schemaDocument), fc.array(fc.tuple(fc.nat(), token, fc.boolean()), { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => {
    let result = text;
    for (const [at, inserted, remove] of edits) {
      const i = at % (result.length + 1);
      result = remove ? result.slice(0, i) + result.slice(i + 1 + (at % 7)) : `${result.slice(0, i)} ${inserted} ${result.slice(i)}`;
    }
    return result;
  });

/** A valid query blown up: repeated, nested, aliased or decorated `n` times, to hit the limits under fuzzing. */
const amplified = fc
  .tuple(
    fc.constantFrom("wide", "deep", "aliases", "directives"),
    fc.integer({ min: 1, max: 3_000 }),
    selectionsOf(schema.getQueryType()!, 2),
    name,
  )
  .map(([how, n, set, field]) => {
    const inner = set.slice(1, -1);
    if (how === "wide") return `{ ${inner.repeat(n)} }`;
    if (how === "deep") return `{ ${`${field} { `.repeat(n)}id${" }".repeat(n)} }`;
    if (how === "aliases") return `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${inner.trim()}`).join(" ")} }`;
    return `{ ${inner.trim().replace(/^(\w+)/, `$1 ${"@include(if: true) ".repeat(n)}`)} }`;
  });

const anyDocument = fc.oneof(
  { weight: 1, arbitrary: amplified },
  { weight: 4, arbitrary: schemaDocument },
  { weight: 3, arbitrary: document },
  { weight: 2, arbitrary: mutated },
  { weight: 1, arbitrary: soup },
);
const variables = fc.option(
  fc.dictionary(fc.oneof(name, fc.constantFrom("v", "input", "id")), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 4 }),
  { nil: undefined },
);
const operationName = fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: name.map((n) => `${n}Op`) });
const operation = fc.record({ query: anyDocument, variables, operationName });
const accept = fc.constantFrom(
  undefined,
  "application/json",
  "application/graphql-response+json",
  "application/graphql-response+json, application/json;q=0.9",
  "*/*",
);

type Request = {
  transport: "post" | "get" | "batch" | "broken-json";
  accept: string | undefined;
  operations: Array<{ query: string; variables?: unknown; operationName?: string }>;
  cut: number;
};

const request: fc.Arbitrary<Request> = fc.record({
  transport: fc.oneof(
    { weight: 12, arbitrary: fc.constant("post" as const) },
    { weight: 4, arbitrary: fc.constant("get" as const) },
    { weight: 1, arbitrary: fc.constant("batch" as const) },
    { weight: 1, arbitrary: fc.constant("broken-json" as const) },
  ),
  accept,
  operations: fc.array(operation, { minLength: 1, maxLength: 3 }),
  cut: fc.nat(),
});

async function send({ transport, accept, operations, cut }: Request): Promise<RawResponse> {
  const [first] = operations;
  const headers: Record<string, string> = { "content-type": "application/json", ...(accept ? { accept } : {}) };
  const signal = AbortSignal.timeout(10_000);
  let res: Response;
  if (transport === "get") {
    const params = new URLSearchParams({ query: first!.query });
    if (first!.variables !== undefined) params.set("variables", JSON.stringify(first!.variables));
    if (first!.operationName !== undefined) params.set("operationName", first!.operationName);
    res = await fetch(`${t.gateway.url}?${params}`, {
      headers: { "apollo-require-preflight": "1", ...(accept ? { accept } : {}) },
      signal,
    });
  } else {
    const whole = JSON.stringify(transport === "batch" ? operations : first);
    const body = transport === "broken-json" ? whole.slice(0, cut % whole.length) : whole;
    res = await fetch(t.gateway.url, { method: "POST", headers, body, signal });
  }
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text(), headers: res.headers };
}

it("answers every generated request with a well-formed, coded GraphQL response", async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(request, async (generated) => {
      runs++;
      const res = await send(generated);
      expect([200, 400, 405, 413, 431], res.text.slice(0, 300)).toContain(res.status);
      expectWellFormed(res);
    }),
    {
      numRuns: Number(process.env.FUZZ_RUNS ?? 200),
      plugins: [fc.interruptAfterTimeLimit(20_000)],
      ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
    },
  );
  // A run that stops too early tests little: the machine was far slower than expected.
  expect(runs).toBeGreaterThan(20);
  expect((await healthz(t.gateway.url)).status).toBe(200);
  const after = await fetch(t.gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ sources { id } }" }),
  });
  expect(after.status).toBe(200);
  expect(((await after.json()) as { errors?: unknown }).errors).toBeUndefined();
}, 120_000);

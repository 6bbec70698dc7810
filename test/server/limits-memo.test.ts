import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { checkRequestLimits } from "../../src/server/limits.js";

/** checkRequestLimits remembers documents that passed, per set of limits (src/server/limits.ts). */

const defaults = configSchema.parse({}).server.limits;
const strict = { ...defaults, maxTokens: 5 };
const document = `query One { customer(id: "demo-customer-1") { id name } }`;

describe("remembered passes", () => {
  it("are per set of limits: a document that passed generous limits is still refused by strict ones", () => {
    expect(checkRequestLimits({ query: document }, defaults)).toBeUndefined();
    expect(checkRequestLimits({ query: document }, defaults)).toBeUndefined();
    expect(checkRequestLimits({ query: document }, strict)?.extensions).toMatchObject({
      code: "OPERATION_LIMIT_EXCEEDED",
      limit: "maxTokens",
    });
  });

  it("never include a refusal, and never stop the variables being checked", () => {
    expect(checkRequestLimits({ query: document }, strict)).toBeDefined();
    expect(checkRequestLimits({ query: document }, strict)).toBeDefined();
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: { l: 1 } } } } } } } } } } } };
    expect(checkRequestLimits({ query: document, variables: deep }, defaults)?.extensions).toMatchObject({ limit: "maxVariableDepth" });
  });

  it("keep a bounded number of documents: the 501st remembered pushes out the first, which is checked again", () => {
    for (let i = 0; i < 600; i++) expect(checkRequestLimits({ query: `{ a${i}: __typename }` }, defaults)).toBeUndefined();
    expect(checkRequestLimits({ query: `{ a0: __typename }` }, defaults)).toBeUndefined();
  });
});

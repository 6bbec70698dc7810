import { describe, expect, it } from "vitest";
import { mimeEssence, responseType } from "../../src/server/graphql-over-http/media-types.js";

/**
 * Content negotiation as clients have always had it from the gateway (Apollo Server's, with the negotiator
 * package): the expectations were recorded from Apollo Server 5.5 before the gateway answered on its own.
 */
const JSON = "application/json; charset=utf-8";
const GRAPHQL = "application/graphql-response+json; charset=utf-8";
const CALLBACK = "application/json; callbackSpec=1.0; charset=utf-8";

describe("the Content-Type of an answer", () => {
  it.each([
    [undefined, JSON],
    ["", JSON],
    ["application/json", JSON],
    ["*/*", JSON],
    ["application/*", JSON],
    ["application/graphql-response+json", GRAPHQL],
    ["APPLICATION/GRAPHQL-RESPONSE+JSON", GRAPHQL],
    ["application/json;q=0.5, application/graphql-response+json;q=0.9", GRAPHQL],
    ["application/graphql-response+json, application/json", GRAPHQL],
    ["application/json, application/graphql-response+json", JSON],
    ["application/graphql-response+json;q=0, application/json", JSON],
    ['application/json;foo="a,b", application/graphql-response+json', GRAPHQL],
    ["application/json; charset=utf-8", JSON],
    ["application/json; callbackSpec=1.0", CALLBACK],
    ["text/html, */*;q=0.1", JSON],
    ["application/json;constructor=x", null],
  ])("Accept %j: %s", (accept, type) => {
    expect(responseType(accept)).toBe(type);
  });

  it.each(["text/plain", "x", "text/html", "application/json;q=0", "application/json; charset=latin1", "image/png"])(
    "none for Accept %j (406)",
    (accept) => {
      expect(responseType(accept)).toBeNull();
    },
  );
});

describe("the essence of a Content-Type (CSRF prevention, GET)", () => {
  it.each([
    ["application/json", "application/json"],
    ["Text/Plain ", "text/plain"],
    [" text/plain;charset=utf-8", "text/plain"],
    ["\ttext/plain\n", "text/plain"],
    ["multipart/form-data; boundary=x", "multipart/form-data"],
    ['text/plain;a="b', "text/plain"],
    ["garbage", null],
    ["", null],
    ["/json", null],
    ["application/", null],
    ["text/pl ain", null],
  ])("%j: %s", (value, essence) => {
    expect(mimeEssence(value)).toBe(essence);
  });
});

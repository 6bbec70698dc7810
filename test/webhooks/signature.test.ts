import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseSignatureHeader, signPayload, verifySignature } from "../../src/webhooks/signature.js";

const SECRET = "whsec_test-secret";
const BODY = JSON.stringify({ version: 1, id: "42", type: "CLAIMED" });
const T = 1_760_000_000;
const at = (seconds: number) => new Date(seconds * 1000);

describe("signPayload", () => {
  it("is t=<seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'>, as any HMAC implementation computes it", () => {
    const expected = createHmac("sha256", SECRET).update(`${T}.${BODY}`).digest("hex");
    expect(signPayload(SECRET, BODY, T)).toBe(`t=${T},v1=${expected}`);
  });

  it("refuses a timestamp that is not whole seconds (milliseconds passed by mistake would still be an integer, so only fractions and negatives)", () => {
    expect(() => signPayload(SECRET, BODY, 1.5)).toThrow(RangeError);
    expect(() => signPayload(SECRET, BODY, -1)).toThrow(RangeError);
  });
});

describe("verifySignature", () => {
  const header = signPayload(SECRET, BODY, T);

  it("accepts the body it signed, at the time it was signed and within the tolerance either way", () => {
    expect(verifySignature(SECRET, BODY, header, { now: at(T) })).toBe(true);
    expect(verifySignature(SECRET, BODY, header, { now: at(T + 300) })).toBe(true);
    expect(verifySignature(SECRET, BODY, header, { now: at(T - 300) })).toBe(true);
  });

  it("refuses a tampered body, even by one character or one space", () => {
    expect(verifySignature(SECRET, BODY.replace("CLAIMED", "CLAIMEd"), header, { now: at(T) })).toBe(false);
    expect(verifySignature(SECRET, `${BODY} `, header, { now: at(T) })).toBe(false);
  });

  it("refuses the wrong secret", () => {
    expect(verifySignature("whsec_other", BODY, header, { now: at(T) })).toBe(false);
  });

  it("refuses a stale timestamp (a replay) and a future-skewed one", () => {
    expect(verifySignature(SECRET, BODY, header, { now: at(T + 301) })).toBe(false);
    expect(verifySignature(SECRET, BODY, header, { now: at(T - 301) })).toBe(false);
    expect(verifySignature(SECRET, BODY, header, { now: at(T + 3600), toleranceSeconds: 3600 })).toBe(true);
  });

  it("refuses a replay with the timestamp changed: the time is inside the MAC", () => {
    const v1 = header.split(",v1=")[1];
    expect(verifySignature(SECRET, BODY, `t=${T + 1000},v1=${v1}`, { now: at(T + 1000) })).toBe(false);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["no timestamp", `v1=${"a".repeat(64)}`],
    ["no v1", `t=${T}`],
    ["two timestamps", `t=${T},t=${T},v1=${"a".repeat(64)}`],
    ["a timestamp that is not a number", `t=soon,v1=${"a".repeat(64)}`],
    ["a short v1", `t=${T},v1=abc`],
    ["a v1 that is not hex", `t=${T},v1=${"z".repeat(64)}`],
    ["a part without =", `t=${T},garbage`],
  ])("refuses a malformed header (%s) without throwing", (_name, value) => {
    expect(verifySignature(SECRET, BODY, value, { now: at(T) })).toBe(false);
  });

  it("accepts any one of several v1 values (a secret being rotated) and skips schemes it does not know", () => {
    const good = header.split(",v1=")[1]!;
    const other = signPayload("whsec_old", BODY, T).split(",v1=")[1]!;
    expect(verifySignature(SECRET, BODY, `t=${T},v1=${other},v1=${good}`, { now: at(T) })).toBe(true);
    expect(verifySignature("whsec_old", BODY, `t=${T},v1=${other},v1=${good}`, { now: at(T) })).toBe(true);
    expect(verifySignature(SECRET, BODY, `t=${T},v0=legacy,v1=${good}`, { now: at(T) })).toBe(true);
    expect(verifySignature("whsec_third", BODY, `t=${T},v1=${other},v1=${good}`, { now: at(T) })).toBe(false);
  });

  it("parses a header into its timestamp and signatures", () => {
    expect(parseSignatureHeader(header)).toEqual({ timestamp: T, signatures: [header.split(",v1=")[1]] });
    expect(parseSignatureHeader("t=1")).toBeNull();
  });
});

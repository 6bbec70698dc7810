import { describe, expect, it } from "vitest";
import { MAX_LOGGED_VENDOR_TEXT, scrubVendorText } from "../../src/sources/vendor-text.js";

/** What the log keeps of a vendor's words (issue 13, item 7): the secret shapes and the source's credentials redacted, then bounded. */

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

describe("scrubVendorText", () => {
  it.each([
    ["a bearer token", "Authorization: Bearer abc.DEF-123_x", "abc.DEF-123_x"],
    ["a basic credential", "sent Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="],
    ["a JWT anywhere", `refresh token ${JWT} expired`, JWT],
    ["URL userinfo", "see https://admin:s3cret@10.0.0.5:8080/internal", "admin:s3cret"],
    ["password=", "login failed for password=hunter2&user=x", "hunter2"],
    ["password: ", "password: hunter2, try again", "hunter2"],
    ['"refreshToken":"..." in JSON', '{"refreshToken":"rt-opaque-91","ok":false}', "rt-opaque-91"],
    ['an escaped "api_key" in a JSON string', '{"message":"bad \\"api_key\\": \\"k-77\\""}', "k-77"],
  ])("redacts %s", (_what, text, secret) => {
    const out = scrubVendorText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain("[redacted]");
  });

  it("redacts the source's credentials, plain and URL-encoded, and keeps the rest of the words", () => {
    const out = scrubVendorText("key k/y+1 refused; also k%2Fy%2B1 at http://10.0.0.5:8080/internal", ["k/y+1"]);
    expect(out).toBe("key [redacted] refused; also [redacted] at http://10.0.0.5:8080/internal");
  });

  it("leaves credentials too short to tell from words to the shapes", () => {
    expect(scrubVendorText("a b c", ["b"])).toBe("a b c");
  });

  it(`keeps at most ${MAX_LOGGED_VENDOR_TEXT} characters, cut after redaction`, () => {
    const secret = "S".repeat(40);
    const out = scrubVendorText(`${"x ".repeat(240)}${secret} ${"y".repeat(1000)}`, [secret]);
    expect(out.length).toBeLessThanOrEqual(MAX_LOGGED_VENDOR_TEXT);
    expect(out).not.toContain("SSSS");
  });

  it("bounds the work on a huge body without leaving half a credential where the scan stops", () => {
    // Long JWTs shrink to a few characters once redacted, so what stood at the 8 KB scan limit lands within the
    // logged part: a credential cut in two there must not survive as a prefix the exact match cannot find.
    const jwtOf = (length: number) => `${JWT}${"x".repeat(length - JWT.length)}`;
    // Seven JWTs fill the first 8192 - 6 characters, so the credential starts 6 characters before the scan stops.
    const before = `${`${jwtOf(1000)} `.repeat(6)}${jwtOf(8192 - 6 - 6 * 1001 - 1)} `;
    const credential = "CREDENTIAL-LONG-VALUE-0123456789";
    const out = scrubVendorText(`${before}${credential} and then ${"q".repeat(100_000)}`, [credential]);
    expect(out.length).toBeLessThanOrEqual(MAX_LOGGED_VENDOR_TEXT);
    expect(out).not.toContain("CRED");
    expect(out).not.toContain("eyJ");
  });
});

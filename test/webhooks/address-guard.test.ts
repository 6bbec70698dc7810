import { describe, expect, it } from "vitest";
import { isGatewayError } from "../../src/errors/gateway-error.js";
import { checkWebhookUrl, isPrivateAddress, isPrivateLiteral, publicOnlyLookup } from "../../src/webhooks/address-guard.js";

const FIELD = ["input", "url"];
const publicOnly = (addresses: Record<string, string[]>) => ({
  allowPrivateAddresses: false,
  resolve: async (host: string) => {
    const found = addresses[host];
    if (!found) throw new Error("ENOTFOUND");
    return found;
  },
});

async function refusal(url: string, options = publicOnly({})): Promise<{ code: string; field: string[] | undefined; message: string }> {
  try {
    await checkWebhookUrl(url, FIELD, options);
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    return { code: error.code, field: error.field, message: error.message };
  }
  throw new Error(`${url} was accepted`);
}

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:a9fe:a9fe",
    "[::1]",
    "not-an-address",
  ])("%s is not public", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("%s is public", (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe("checkWebhookUrl", () => {
  it("accepts a public https URL and returns it parsed", async () => {
    const url = await checkWebhookUrl(
      "https://hooks.example.com/license?team=7",
      FIELD,
      publicOnly({ "hooks.example.com": ["93.184.216.34"] }),
    );
    expect(url.href).toBe("https://hooks.example.com/license?team=7");
  });

  it.each([
    ["not a URL", "hooks.example.com/x"],
    ["another scheme", "ftp://hooks.example.com/x"],
    ["javascript:", "javascript:alert(1)"],
    ["credentials", "https://user:pass@hooks.example.com/x"],
    ["a fragment", "https://hooks.example.com/x#frag"],
    ["empty", ""],
    ["too long", `https://hooks.example.com/${"a".repeat(2100)}`],
  ])("refuses %s with BAD_USER_INPUT on the field", async (_name, url) => {
    const error = await refusal(url, publicOnly({ "hooks.example.com": ["93.184.216.34"] }));
    expect(error).toMatchObject({ code: "BAD_USER_INPUT", field: FIELD });
  });

  it("refuses loopback, private and metadata addresses, as literals or as names resolving to them, without quoting them", async () => {
    const options = publicOnly({
      localhost: ["127.0.0.1"],
      "internal.example.com": ["93.184.216.34", "10.0.0.5"],
      "v6.example.com": ["::1"],
    });
    for (const url of [
      "http://127.0.0.1:8080/hook",
      "http://[::1]/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://localhost/hook",
      "http://internal.example.com/hook",
      "http://v6.example.com/hook",
      "http://0x7f000001/hook",
    ]) {
      const error = await refusal(url, options);
      expect(error, url).toMatchObject({ code: "BAD_USER_INPUT", field: FIELD });
      expect(error.message).not.toMatch(/127\.0|10\.0\.0\.5|::1|169\.254/);
    }
  });

  it("refuses a host that does not resolve", async () => {
    expect(await refusal("https://nowhere.invalid/x")).toMatchObject({
      code: "BAD_USER_INPUT",
      message: expect.stringMatching(/does not resolve/),
    });
  });

  it("accepts private addresses when they are allowed (the demo, tests)", async () => {
    const url = await checkWebhookUrl("http://127.0.0.1:4321/hook", FIELD, { allowPrivateAddresses: true });
    expect(url.port).toBe("4321");
  });
});

describe("at connection time", () => {
  it("isPrivateLiteral tells an IP-literal host Node will not look up", () => {
    expect(isPrivateLiteral(new URL("http://127.0.0.1/x"))).toBe(true);
    expect(isPrivateLiteral(new URL("http://[::ffff:10.0.0.1]/x"))).toBe(true);
    expect(isPrivateLiteral(new URL("http://8.8.8.8/x"))).toBe(false);
    expect(isPrivateLiteral(new URL("http://localhost/x"))).toBe(false);
  });

  it("publicOnlyLookup fails for a name resolving to loopback (the DNS-rebinding case)", async () => {
    const error = await new Promise<unknown>((resolve) => publicOnlyLookup("localhost", {}, (e) => resolve(e)));
    expect((error as Error).name).toBe("PrivateAddressError");
  });
});

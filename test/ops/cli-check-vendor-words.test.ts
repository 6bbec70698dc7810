import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";

/**
 * `license-gateway check` shows an operator what a vendor said when a source fails (issue 13, item 7): a client of
 * the gateway never sees a vendor's words, but the operator checking the configuration may, scrubbed as the log has
 * them: the source's credential and every credential shape redacted, on one line.
 */
let vendors: DemoVendors;
let dir: string;

beforeAll(async () => {
  vendors = await startDemoVendors();
  dir = await mkdtemp(join(tmpdir(), "lg-check-words-"));
});
afterAll(async () => {
  await vendors?.close();
  await rm(dir, { recursive: true, force: true });
});

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXdvcmRz";

describe("license-gateway check", () => {
  it("shows the vendor's words after the gateway's message, with the secrets redacted, on one line", async () => {
    const refreshToken = "configured-refresh-token-5150";
    vendors.sofar.fault({
      server: "auth",
      path: "/auth/accesstoken",
      kind: "status",
      status: 401,
      // Plain text, as a proxy in front of the vendor might answer: its line break must not split the report's line.
      body: `Token ${refreshToken} revoked\nby admin (session ${JWT}, password=hunter2)`,
    });
    const file = join(dir, "gateway.yaml");
    await writeFile(
      file,
      stringify({
        store: { url: "memory://" },
        auth: { mode: "on" },
        sources: { sofar: { ...vendors.sources.sofar, refreshToken: "${SOFAR_REFRESH_TOKEN}" } },
      }),
    );
    const out: string[] = [];
    const code = await main(["check", "--config", file], { SOFAR_REFRESH_TOKEN: refreshToken }, { out: (l) => out.push(l), err: () => {} });
    expect(code).toBe(1);
    const line = out.find((l) => l.includes("source sofar"))!;
    expect(line).toMatch(
      /^failed\s+source sofar\s+UPSTREAM_UNAUTHENTICATED: eniris: sofar refused the gateway's credentials \(fetching an access token: HTTP 401\) \(the vendor said: /,
    );
    expect(line).toContain("revoked by admin");
    expect(line).not.toContain(refreshToken);
    expect(line).not.toContain(JWT);
    expect(line).not.toContain("hunter2");
  });
});

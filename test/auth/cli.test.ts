import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { pino } from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { Authenticator } from "../../src/auth/authenticate.js";
import { openStore } from "../../src/store/store.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(ROOT, "bin", "license-gateway.js");

let config: string;
let storeUrl: string;

/** Runs the CLI as an operator would, in its own process; never throws, so exit codes can be asserted. */
async function cli(args: string[], options: { npx?: boolean; env?: Record<string, string> } = {}) {
  const [command, argv] = options.npx ? ["npx", ["--no-install", "license-gateway", ...args]] : [process.execPath, [BIN, ...args]];
  try {
    const { stdout, stderr } = await run(command, argv, {
      cwd: ROOT,
      env: { ...process.env, GATEWAY_CONFIG: "", ...options.env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "lg-cli-"));
  storeUrl = `sqlite://${join(dir, "store.db")}`;
  config = join(dir, "gateway.yaml");
  await writeFile(config, `store: { url: "${storeUrl}" }\nauth: { mode: on }\n`);
  // Created here, so the CLI runs below open an existing store.
  const store = await openStore(storeUrl);
  await store.customers.upsert({ id: "cust-1", name: "One", accounts: [] });
  await store.customers.upsert({ id: "cust-2", name: "Two", accounts: [] });
  await store.close();
}, 60_000);

// Each run with a store opens the SQLite file in a new process: the runs are few and chained.
describe("license-gateway keys (the CLI, spawned)", () => {
  it(
    "creates, lists and revokes keys in the gateway's store, audited as `cli`; the gateway accepts and refuses them",
    { timeout: 120_000 },
    async () => {
      // The command from docs/operations.md ("Authentication and roles"), through npx and the package's bin.
      const admin = await cli(["keys", "create", "--role", "admin", "--name", "ops", "--config", config], { npx: true });
      expect(admin.code).toBe(0);
      expect(admin.stdout).toMatch(/^lgw_[0-9a-f]{16}_[\w-]{43}\n$/);
      const adminToken = admin.stdout.trim();
      const adminId = adminToken.split("_")[1]!;
      expect(admin.stderr).toContain(`created admin API key ${adminId} ("ops")`);

      const partner = await cli(["keys", "create", "--role", "partner", "--name", "installer", "--grant", "cust-1", "--grant", "cust-2"], {
        env: { GATEWAY_CONFIG: config },
      });
      expect(partner.code).toBe(0);
      const partnerToken = partner.stdout.trim();
      const partnerId = partnerToken.split("_")[1]!;

      const revoked = await cli(["keys", "revoke", partnerId, "--config", config]);
      expect(revoked).toMatchObject({
        code: 0,
        stdout: "",
        stderr: expect.stringContaining(`revoked API key ${partnerId} (partner, "installer")`),
      });

      const listed = await cli(["keys", "list", "--config", config]);
      expect(listed.code).toBe(0);
      const lines = listed.stdout.trim().split("\n");
      expect(lines[0]).toMatch(/^ID\s+ROLE\s+NAME\s+CUSTOMERS\s+CREATED\s+REVOKED\s+LAST USED$/);
      const date = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
        [adminId, "admin", "ops", "-", date, "-", "-"],
        [partnerId, "partner", "installer", "cust-1,cust-2", date, date, "-"],
      ]);
      expect(listed.stdout).not.toContain(adminToken.split("_").slice(2).join("_"));

      const customerWithoutCustomer = await cli(["keys", "create", "--role", "customer", "--name", "portal", "--config", config]);
      expect(customerWithoutCustomer).toMatchObject({
        code: 1,
        stdout: "",
        stderr: expect.stringContaining("BAD_USER_INPUT (input.customerId): a customer key needs the customer it acts as"),
      });

      const store = await openStore(storeUrl);
      try {
        const auth = await Authenticator.create({ mode: "on" }, store.apiKeys, pino({ level: "silent" }));
        expect(await auth.authenticate(`Bearer ${adminToken}`)).toEqual({
          id: `apikey:${adminId}`,
          role: "admin",
          customerIds: [],
          via: "api-key",
          documents: { apiKeyId: adminId, locked: false, published: false },
        });
        await expect(auth.authenticate(`Bearer ${partnerToken}`)).rejects.toMatchObject({
          code: "UNAUTHENTICATED",
          message: "unknown or revoked API key",
        });
        const entries = await store.audit.recent(10);
        expect(entries.map((e) => [e.operation, e.principal, e.outcome, e.errorCode])).toEqual([
          ["createApiKey", "cli", "error", "BAD_USER_INPUT"],
          ["revokeApiKey", "cli", "ok", null],
          ["createApiKey", "cli", "ok", null],
          ["createApiKey", "cli", "ok", null],
        ]);
      } finally {
        await store.close();
      }
    },
  );

  it("explains usage with exit code 2, before touching any store", { timeout: 60_000 }, async () => {
    const usage = expect.stringContaining("usage: license-gateway keys");
    const [badRole, noConfig, unknown, help] = await Promise.all([
      cli(["keys", "create", "--role", "root", "--name", "x", "--config", config]),
      cli(["keys", "list"]),
      cli(["keys", "frobnicate"]),
      cli(["--help"]),
    ]);
    expect(badRole).toMatchObject({ code: 2, stderr: expect.stringContaining("--role must be one of admin, partner, customer") });
    expect(noConfig).toMatchObject({ code: 2, stderr: expect.stringContaining("needs --config FILE") });
    expect(unknown).toMatchObject({ code: 2, stderr: usage });
    expect(help).toMatchObject({ code: 0, stderr: usage });
  });
});

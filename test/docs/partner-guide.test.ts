import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiKeyAdmin } from "../../src/auth/key-admin.js";
import { DEMO_CUSTOMER_IDS } from "../../src/demo/seed.js";
import { AuditedWriter } from "../../src/federation/mutations/audited.js";
import { signJwt, JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE } from "../auth/roles.js";
import { useTestGateway } from "../support/gateway.js";
import { extractExamples, subsetMismatch } from "./markdown-examples.js";

/**
 * docs/partners.md, run: every ```sh block is run with bash, in the order of the guide, against a real gateway with
 * auth on (the demo's data and simulators), and its output must be JSON matching the ```json block after it (every
 * field the guide shows, with that value; see markdown-examples.ts for the "…" elisions). A partner who pastes the
 * guide's commands gets what the guide says. An example sending an `idempotencyKey` is run twice, and the repeat must
 * answer exactly as the first run did, as the guide promises.
 *
 * The variables the guide uses: GATEWAY_URL, API_KEY (a partner key granted the demo's first two customers),
 * ADMIN_API_KEY (an admin key, for the operator's examples: creating a key, publishing trusted documents, locking a key) and JWT (a partner JWT granted the same customers).
 * The response cache is off: the outage example (a `doc-test` directive before its block, see
 * markdown-examples.ts) must reach the failing vendor, not an answer kept from an earlier example.
 */
const GUIDE = new URL("../../docs/partners.md", import.meta.url);
const examples = extractExamples(readFileSync(GUIDE, "utf8"));
const curl = hasCurl();

const t = useTestGateway({
  auth: { mode: "on", jwt: { hs256Secret: JWT_SECRET, issuer: JWT_ISSUER, audience: JWT_AUDIENCE } },
  cache: { enabled: false },
});
const env: Record<string, string> = {};

beforeAll(async () => {
  const admin = new ApiKeyAdmin(new AuditedWriter(t.gateway.store, "test-setup"), { requireAdmin: () => {} });
  const create = async (input: Parameters<ApiKeyAdmin["createApiKey"]>[0]) => {
    const created = await admin.createApiKey(input);
    expect(created.errors).toEqual([]);
    return created.secret!;
  };
  const grants = [DEMO_CUSTOMER_IDS[0], DEMO_CUSTOMER_IDS[1]];
  Object.assign(env, {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    GATEWAY_URL: t.gateway.url,
    API_KEY: await create({ name: "acme", role: "partner", grants }),
    ADMIN_API_KEY: await create({ name: "ops", role: "admin" }),
    JWT: await signJwt({ sub: "acme-portal", role: "partner", customers: grants }),
  });
});

describe("the guide's matcher", () => {
  // A matcher that accepted anything would let every example pass.
  it("refuses a wrong value, a missing field, a missing item, and a string that does not begin as shown", () => {
    const answer = { data: { customer: { id: "c1", licenses: [{ key: "K1" }, { key: "K2" }] } } };
    expect(subsetMismatch({ data: { customer: { id: "c1" } } }, answer)).toBeNull();
    expect(subsetMismatch({ data: { customer: { licenses: [{ key: "K1" }, "…"] } } }, answer)).toBeNull();
    expect(subsetMismatch({ data: { customer: { id: "c2" } } }, answer)).toMatch(/\$\.data\.customer\.id: expected "c2"/);
    expect(subsetMismatch({ data: { customer: { name: "c1" } } }, answer)).toMatch(/name: missing/);
    expect(subsetMismatch({ data: { customer: { licenses: [{ key: "K1" }] } } }, answer)).toMatch(/expected 1 items, got 2/);
    expect(subsetMismatch({ data: { customer: { id: "x…" } } }, answer)).toMatch(/starting "x"/);
    expect(subsetMismatch({ data: null }, answer)).toMatch(/expected null/);
  });
});

describe("docs/partners.md", () => {
  it("has examples, each a ```sh block followed by its ```json answer", () => {
    expect(examples.length).toBeGreaterThan(10);
    for (const example of examples) expect(example.expected, `line ${example.line}: no \`\`\`json block after the command`).not.toBeNull();
  });

  describe.skipIf(!curl)(
    curl ? "every example answers as documented" : "examples skipped: curl is not installed (apt-get install curl)",
    () => {
      for (const example of examples) {
        it(`line ${example.line} (${example.heading})`, async () => {
          const vendor = example.fault ? t.vendors[example.fault.source as keyof typeof t.vendors] : undefined;
          if (example.fault) {
            expect(vendor, `doc-test directive names no vendor: ${example.fault.source}`).toBeDefined();
            (vendor as { fault(rule: object): void }).fault({ server: "api", kind: "status", status: example.fault.status });
          }
          try {
            const output = await bash(example.command);
            let answer: unknown;
            try {
              answer = JSON.parse(output);
            } catch {
              throw new Error(`line ${example.line}: the command's output is not JSON:\n${output.slice(0, 500)}`);
            }
            const mismatch = subsetMismatch(example.expected, answer);
            expect(mismatch, `line ${example.line}: ${mismatch}\nanswer: ${JSON.stringify(answer).slice(0, 2000)}`).toBeNull();
            // The guide promises that a mutation repeated with its idempotency key answers as the first time did.
            if (example.command.includes("idempotencyKey"))
              expect(JSON.parse(await bash(example.command)), "the repeat with the same idempotency key").toEqual(answer);
          } finally {
            if (example.fault) t.resetCalls();
          }
        });
      }
    },
  );
});

function bash(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("bash", ["-euo", "pipefail", "-c", command], { env, timeout: 15_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function hasCurl(): boolean {
  try {
    execFileSync("curl", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

import { beforeAll, describe, expect, it } from "vitest";
import { AUTH_ON, makePrincipals, type Principals } from "../auth/roles.js";
import { captureLogs } from "../ops/log-capture.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * Audit-log amplification: an input refused for length was stored whole, once per alias, so a 100 KB request
 * wrote megabytes of audit rows, from any key; and the access log wrote the operation's name at any length. Now
 * each audited string is kept up to 256 characters (a longer one, which no field accepts, is recorded by its
 * length only), one operation's audit entries share a byte budget, and logged operation names are cut short.
 */
const logs = captureLogs("info");
const t = useTestGateway({ auth: AUTH_ON, logger: logs.logger });
let who: Principals;

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
});

/** The audit rows written after row `after`, and their size as stored (input and result as JSON text). */
async function auditSince(after: number) {
  const [size] = await t.gateway.store.db.query<{ rows: number; bytes: number }>(
    `select count(*) as rows, coalesce(sum(octet_length(cast(input as text)) + coalesce(octet_length(cast(result as text)), 0)), 0) as bytes
     from audit_log where id > $1`,
    [after],
  );
  return size!;
}
const lastAuditId = async () => (await t.gateway.store.audit.recent(1))[0]?.id ?? 0;

/** One document running `field(input: $input)` under `count` aliases, all sharing the one variable. */
const aliased = (type: string, field: string, count: number, selection = "{ errors { code field } }") =>
  `mutation($input: ${type}!) { ${Array.from({ length: count }, (_, i) => `a${i}: ${field}(input: $input) ${selection}`).join(" ")} }`;

describe("audit-log amplification (a 100 KB input refused for length was stored whole, once per alias)", () => {
  it("30 aliases of one 100 KB key refused for length write a bounded audit: each key recorded by its length only", async () => {
    const before = await lastAuditId();
    const input = { source: "local", key: "K".repeat(100_000) };
    const res = await t.gql(aliased("ActivateLicenseInput", "activateLicense", 30), { input }, who.headers.customerA);
    expect(Object.values(res.body.data)).toEqual(Array(30).fill({ errors: [{ code: "BAD_USER_INPUT", field: ["input", "key"] }] }));
    const written = await auditSince(before);
    expect(written.rows).toBe(30);
    expect(written.bytes).toBeLessThan(8 * 1024);
    const [row] = await t.gateway.store.audit.recent(1);
    expect(row!.input).toEqual({ source: "local", key: "[too long: 100000 characters; not kept]" });
  });

  it("30 aliases of a refused input holding many short strings spend one budget per operation, not one per alias", async () => {
    const before = await lastAuditId();
    // Refused FORBIDDEN before its grants are even counted: what any key can send.
    const input = { name: "k", role: "PARTNER", grants: Array.from({ length: 2_000 }, (_, i) => `customer-${i}`) };
    const res = await t.gql(aliased("CreateApiKeyInput", "createApiKey", 30), { input }, who.headers.customerA);
    expect(Object.values(res.body.data)).toEqual(Array(30).fill({ errors: [{ code: "FORBIDDEN", field: null }] }));
    const written = await auditSince(before);
    expect(written.rows).toBe(30);
    expect(written.bytes).toBeLessThan(64 * 1024 + 30 * 200);
  });

  it("a refused input holding a NUL is still audited (PostgreSQL's jsonb refuses \\u0000, so the row was lost)", async () => {
    const before = await lastAuditId();
    const res = await t.gql(
      aliased("ActivateLicenseInput", "activateLicense", 1),
      { input: { source: "local", key: "K\u0000\u001b" } },
      who.headers.customerA,
    );
    expect(res.body.data.a0.errors).toEqual([{ code: "BAD_USER_INPUT", field: ["input", "key"] }]);
    const [row] = await t.gateway.store.audit.recent(1);
    expect(row!.id).toBeGreaterThan(before);
    expect(row).toMatchObject({
      operation: "activateLicense",
      outcome: "error",
      errorCode: "BAD_USER_INPUT",
      input: { source: "local", key: "K\\u0000\\u001b" },
    });
  });

  it("caps the operation name in the access log", async () => {
    const name = `Op${"x".repeat(10_000)}`;
    const res = await fetch(t.gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "audit-long-name", ...who.headers.customerA },
      body: JSON.stringify({ query: `query ${name} { sources { id } }`, operationName: name }),
    });
    expect(res.status).toBe(200);
    let line: Record<string, any> | undefined;
    for (let i = 0; i < 100 && !line; i++) {
      line = logs.entries().find((e) => e.requestId === "audit-long-name" && e.msg === "request");
      if (!line) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(line).toMatchObject({ operationType: "query" });
    expect(line!.operationName).toBe(`${name.slice(0, 100)}…`);
  });
});

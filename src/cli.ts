import { parseArgs } from "node:util";
import { ApiKeyAdmin, type ApiKeyInfo } from "./auth/key-admin.js";
import { ROLES, type Role } from "./auth/principal.js";
import { readStartupSettings } from "./config/env.js";
import { AuditedWriter } from "./federation/mutations/audited.js";
import { openStore, type Store } from "./store/store.js";

const USAGE = `usage: license-gateway keys <command> --config FILE

  keys create --role admin|partner|customer --name NAME [--customer ID] [--grant ID ...]
        prints the new key on stdout, once (only its hash is kept); --customer for a customer key,
        --grant (repeatable) for a partner key
  keys list
        every key: id, role, name, customer or grants, created, revoked, last used
  keys revoke ID
        the key is refused from its next request on

--config FILE (or GATEWAY_CONFIG) is the gateway's config: the CLI works on its store. With an embedded
store (pglite://) stop the gateway first; PGlite allows one process at a time.`;

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

const console_: CliOutput = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };

/** Runs one command; resolves to the exit code (0 done, 1 refused or failed, 2 usage). Audited as principal `cli`. */
export async function main(argv: readonly string[], env: Record<string, string | undefined>, io: CliOutput = console_): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: "string" },
        role: { type: "string" },
        name: { type: "string" },
        customer: { type: "string" },
        grant: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [group, command, ...rest] = positionals;
  if (values.help || group !== "keys" || !["create", "list", "revoke"].includes(command ?? "")) {
    io.err(USAGE);
    return values.help ? 0 : 2;
  }

  // Usage is checked before the store is opened (slow, and exclusive with PGlite); the rules on values are the
  // service's, the same as for the GraphQL mutations.
  if (command === "revoke" && rest.length !== 1) return usage(io, "keys revoke takes one key id");
  if (command === "create" && (!values.role || !ROLES.includes(values.role as Role))) return usage(io, `--role must be one of ${ROLES.join(", ")}`);
  if (command === "create" && !values.name) return usage(io, "--name is required");

  let store: Store | undefined;
  try {
    const settings = await readStartupSettings(values.config ? ["--config", values.config] : [], env);
    if (!settings.config) return usage(io, "needs --config FILE (or GATEWAY_CONFIG): the keys live in the store it names");
    store = await openStore(settings.config.store.url);
    const admin = new ApiKeyAdmin(new AuditedWriter(store, "cli"), { requireAdmin: () => {} });
    if (command === "list") return list(await admin.list(), io);
    if (command === "revoke") {
      const result = await admin.revokeApiKey({ id: rest[0]! });
      if (result.errors.length > 0) return refused(result.errors, io);
      io.err(`revoked API key ${result.apiKey!.id} (${result.apiKey!.role}, "${result.apiKey!.name}")`);
      return 0;
    }
    const result = await admin.createApiKey({ name: values.name!, role: values.role as Role, customerId: values.customer ?? null, grants: values.grant ?? [] });
    if (result.errors.length > 0) return refused(result.errors, io);
    const key = result.apiKey!;
    io.err(`created ${key.role} API key ${key.id} ("${key.name}"). It is printed below, once: the gateway keeps only its hash.`);
    io.out(result.secret!);
    return 0;
  } catch (error) {
    io.err(`license-gateway: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await store?.close();
  }
}

function usage(io: CliOutput, message: string): number {
  io.err(`license-gateway: ${message}\n\n${USAGE}`);
  return 2;
}

function refused(errors: { code: string; message: string; field: string[] | null }[], io: CliOutput): number {
  for (const e of errors) io.err(`license-gateway: ${e.code}${e.field ? ` (${e.field.join(".")})` : ""}: ${e.message}`);
  return 1;
}

function list(keys: ApiKeyInfo[], io: CliOutput): number {
  const date = (d: Date | null) => (d ? d.toISOString().replace(/\.\d+Z$/, "Z") : "-");
  const rows = [
    ["ID", "ROLE", "NAME", "CUSTOMERS", "CREATED", "REVOKED", "LAST USED"],
    ...keys.map((k) => [k.id, k.role, k.name, k.customerId ?? (k.grants.join(",") || "-"), date(k.createdAt), date(k.revokedAt), date(k.lastUsedAt)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) io.out(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
  return 0;
}

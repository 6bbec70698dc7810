import { ApiKeyAdmin, type ApiKeyInfo } from "../auth/key-admin.js";
import { ROLES, type Role } from "../auth/principal.js";
import type { GatewayConfig } from "../config/schema.js";
import { AuditedWriter } from "../federation/mutations/audited.js";
import { openStore, type Store } from "../store/store.js";
import { EXIT, refused, type CliOutput } from "./output.js";

export const KEYS_USAGE = `  keys create --role admin|partner|customer --name NAME [--customer ID] [--grant ID ...]
        prints the new key on stdout, once (only its hash is kept); --customer for a customer key,
        --grant (repeatable) for a partner key
  keys list
        every key: id, role, name, customer or grants, created, revoked, last used
  keys revoke ID
        the key is refused from its next request on`;

export interface KeysArguments {
  command: string | undefined;
  rest: string[];
  role?: string | undefined;
  name?: string | undefined;
  customer?: string | undefined;
  grant?: string[] | undefined;
}

/**
 * What is wrong with a keys command line, or null. Checked before the config is read and the store opened; the
 * rules on values are the service's, the same as for the GraphQL mutations.
 */
export function keysUsageProblem(args: KeysArguments): string | null {
  if (!["create", "list", "revoke"].includes(args.command ?? "")) return "keys takes create, list or revoke";
  if (args.command === "revoke" && args.rest.length !== 1) return "keys revoke takes one key id";
  if (args.command !== "revoke" && args.rest.length !== 0) return `keys ${args.command} takes no positional arguments`;
  if (args.command === "create" && (!args.role || !ROLES.includes(args.role as Role))) return `--role must be one of ${ROLES.join(", ")}`;
  if (args.command === "create" && !args.name) return "--name is required";
  return null;
}

/** Runs a keys command on the config's store, audited as principal `cli`. */
export async function runKeys(args: KeysArguments, config: GatewayConfig, io: CliOutput): Promise<number> {
  let store: Store | undefined;
  try {
    store = await openStore(config.store.url, config.store.schema === undefined ? {} : { schema: config.store.schema });
    const admin = new ApiKeyAdmin(new AuditedWriter(store, "cli"), { requireAdmin: () => {} });
    if (args.command === "list") return list(await admin.list(), io);
    if (args.command === "revoke") {
      const result = await admin.revokeApiKey({ id: args.rest[0]! });
      if (result.errors.length > 0) return refused(result.errors, io);
      io.err(`revoked API key ${result.apiKey!.id} (${result.apiKey!.role}, "${result.apiKey!.name}")`);
      return EXIT.ok;
    }
    const result = await admin.createApiKey({
      name: args.name!,
      role: args.role as Role,
      customerId: args.customer ?? null,
      grants: args.grant ?? [],
    });
    if (result.errors.length > 0) return refused(result.errors, io);
    const key = result.apiKey!;
    io.err(`created ${key.role} API key ${key.id} ("${key.name}"). It is printed below, once: the gateway keeps only its hash.`);
    io.out(result.secret!);
    return EXIT.ok;
  } finally {
    await store?.close();
  }
}

function list(keys: ApiKeyInfo[], io: CliOutput): number {
  const date = (d: Date | null) => (d ? d.toISOString().replace(/\.\d+Z$/, "Z") : "-");
  const rows = [
    ["ID", "ROLE", "NAME", "CUSTOMERS", "CREATED", "REVOKED", "LAST USED"],
    ...keys.map((k) => [
      k.id,
      k.role,
      k.name,
      k.customerId ?? (k.grants.join(",") || "-"),
      date(k.createdAt),
      date(k.revokedAt),
      date(k.lastUsedAt),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows)
    io.out(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    );
  return EXIT.ok;
}

import { copyStore } from "../store/copy.js";
import { openRowSource, type RowSource } from "../store/copy-source.js";
import { openDb, redactUrl, type Db } from "../store/db.js";
import { EXIT, type CliOutput } from "./output.js";

export const STORE_USAGE = `  store copy --from URL --to URL [--from-schema NAME] [--to-schema NAME]
        copies every row of one store into a new, empty one (created and migrated), in one transaction, and
        checks each table's count: how a pglite:// store, which the gateway no longer opens, moves to
        sqlite://<file> or postgres://. Stop the gateways using either store first. --from-schema and
        --to-schema name the stores' store.schema, when they have one`;

export interface StoreArguments {
  command: string | undefined;
  rest: string[];
  from?: string | undefined;
  to?: string | undefined;
  fromSchema?: string | undefined;
  toSchema?: string | undefined;
  config?: string | undefined;
}

/** What is wrong with a store command line, or null; checked before any store is opened. */
export function storeUsageProblem(args: StoreArguments): string | null {
  if (args.command !== "copy") return "store takes copy";
  if (args.rest.length > 0) return "store copy takes no positional arguments";
  if (args.config !== undefined) return "store copy takes --from and --to, not --config";
  if (args.from === undefined || args.to === undefined) return "store copy needs --from URL and --to URL";
  if (args.to.startsWith("memory://")) return "store copy --to memory:// would keep nothing: copy to sqlite://<file> or postgres://";
  if (args.to.startsWith("pglite://")) return "store copy --to takes sqlite://<file> or postgres://, the stores the gateway opens";
  return null;
}

/**
 * `license-gateway store copy`: prints `<table> <rows>` for each table copied on stdout, and a summary on stderr.
 * Messages carry the URLs without their passwords.
 */
export async function runStore(args: StoreArguments, io: CliOutput): Promise<number> {
  const from = args.from!;
  const to = args.to!;
  let source: RowSource | undefined;
  let target: Db | undefined;
  try {
    source = await openRowSource(from, args.fromSchema);
    target = await openDb(to, args.toSchema === undefined ? {} : { schema: args.toSchema });
    const copied = await copyStore(source, target);
    for (const { table, rows } of copied) io.out(`${table} ${rows}`);
    const total = copied.reduce((sum, t) => sum + t.rows, 0);
    io.err(
      `copied ${total} row${total === 1 ? "" : "s"} of ${copied.length} tables from ${redactUrl(from)} to ${redactUrl(to)}; set store.url to ${redactUrl(to)}`,
    );
    return EXIT.ok;
  } catch (error) {
    const message = withoutPasswords(error instanceof Error ? error.message : String(error), [from, to]);
    io.err(`license-gateway: store copy failed, nothing was copied: ${message}`);
    return EXIT.failed;
  } finally {
    await source?.close().catch(() => {});
    await target?.close().catch(() => {});
  }
}

/** A driver's message could quote a connection string: the URLs' passwords never reach the terminal. */
function withoutPasswords(message: string, urls: string[]): string {
  const passwords = urls.flatMap((url) => {
    try {
      const password = decodeURIComponent(new URL(url).password);
      return password === "" ? [] : [password];
    } catch {
      return [];
    }
  });
  return passwords.reduce((out, password) => out.split(password).join("***"), message);
}

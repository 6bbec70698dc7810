import { readStartupSettings } from "../config/env.js";
import { ConfigError } from "../config/load.js";
import type { GatewayConfig, SourceConfig } from "../config/schema.js";
import { isGatewayError } from "../errors/gateway-error.js";
import { NO_UPSTREAM_TELEMETRY } from "../observability/upstream-telemetry.js";
import { openRedis } from "../redis/connection.js";
import { vendorSource } from "../sources/create.js";
import { openDb, redactUrl, type Db } from "../store/db.js";
import { appliedMigrations, MIGRATIONS } from "../store/migrate.js";
import { EXIT, type CliOutput } from "./output.js";

/** The store has this long to connect and answer: a pg pool would otherwise wait for an unreachable host forever. */
const STORE_TIMEOUT_MS = 15_000;

/** One line of the report. `code` is a stable word to grep for; `detail` never holds a configured value. */
interface CheckLine {
  name: string;
  ok: boolean;
  code?: string;
  detail: string;
}

/**
 * `license-gateway check`: validates the config, then checks the store (and its migrations), Redis when
 * `cache.url` is set, and each source with one authenticated read (`LicenseSource.probe`), all without changing
 * anything. One line per check, `ok` or `failed` with a code and a message; exit 1 if any failed. Every message
 * is scrubbed of the config's secrets, in case a driver or vendor echoes one.
 */
export async function runCheck(configFile: string | undefined, env: Record<string, string | undefined>, io: CliOutput): Promise<number> {
  let config: GatewayConfig | undefined;
  try {
    config = (await readStartupSettings(configFile === undefined ? [] : ["--config", configFile], env)).config;
  } catch (error) {
    return report(configProblems(error), io);
  }
  if (config === undefined) {
    io.err("license-gateway: check needs --config FILE (or GATEWAY_CONFIG)");
    return EXIT.usage;
  }
  const scrub = scrubber(secretsOf(config));
  const sourceIds = Object.keys(config.sources);
  const lines: CheckLine[] = [
    {
      name: "config",
      ok: true,
      detail: `valid: ${sourceIds.length} source${sourceIds.length === 1 ? "" : "s"}, auth ${config.auth?.mode ?? "on"}`,
    },
  ];
  const [store, redis, sources] = await Promise.all([
    checkStore(config),
    config.cache.url === undefined ? [] : checkRedis(config.cache.url, config.cache.keyPrefix),
    Promise.all(Object.entries(config.sources).map(([id, source]) => checkSource(id, source))),
  ]);
  lines.push(...store, ...redis, ...sources);
  return report(
    lines.map((line) => ({ ...line, detail: scrub(line.detail) })),
    io,
  );
}

function report(lines: CheckLine[], io: CliOutput): number {
  const width = Math.max(...lines.map((l) => l.name.length));
  for (const line of lines) {
    io.out(`${(line.ok ? "ok" : "failed").padEnd(6)}  ${line.name.padEnd(width)}  ${line.code ? `${line.code}: ` : ""}${line.detail}`);
  }
  const failed = lines.filter((l) => !l.ok).length;
  io.err(failed === 0 ? `all ${lines.length} checks passed` : `${failed} of ${lines.length} checks failed`);
  return failed === 0 ? EXIT.ok : EXIT.failed;
}

/**
 * A config error as one line per problem. The loader's messages name the key and the rule, never the value; a
 * file that does not parse is reported without the parser's excerpt of it (the excerpt could hold a secret).
 */
function configProblems(error: unknown): CheckLine[] {
  const message = error instanceof Error ? error.message : String(error);
  const failed = (detail: string): CheckLine => ({ name: "config", ok: false, code: "CONFIG_INVALID", detail });
  if (!(error instanceof ConfigError)) return [failed(message)];
  const [first = "", ...rest] = message.split("\n");
  const unparsable = /^(config file .* is not valid (?:JSON|YAML))/.exec(first);
  if (unparsable) {
    const at = /at line (\d+), column (\d+)/.exec(message);
    return [failed(`${unparsable[1]}${at ? ` (line ${at[1]}, column ${at[2]})` : ""}`)];
  }
  const problems = rest.map((line) => line.trim()).filter((line) => line !== "");
  return problems.length > 0 ? problems.map(failed) : [failed(first)];
}

/** The store answers, and which migrations it has: pending ones are fine (migrate or a start applies them), unknown ones are not. */
async function checkStore(config: GatewayConfig): Promise<CheckLine[]> {
  const where = `${redactUrl(config.store.url)}${config.store.schema ? ` (schema ${config.store.schema})` : ""}`;
  let db: Db | undefined;
  try {
    const versions = await within(STORE_TIMEOUT_MS, async () => {
      db = await openDb(config.store.url, config.store.schema === undefined ? {} : { schema: config.store.schema });
      await db.query("select 1");
      return appliedVersions(db);
    });
    return [{ name: "store", ok: true, detail: `${where} answers` }, migrationsLine(versions)];
  } catch (error) {
    return [{ name: "store", ok: false, code: "STORE_UNREACHABLE", detail: `${where}: ${(error as Error).message}` }];
  } finally {
    // After a timeout the pool may still be connecting; closing it is best effort.
    void (db as Db | undefined)?.close().catch(() => {});
  }
}

/** What a new, empty store has: no versions at all (the gateway or `migrate` creates its tables). */
async function appliedVersions(db: Db): Promise<Set<number>> {
  return new Set((await appliedMigrations(db)).map((m) => m.version));
}

function migrationsLine(applied: Set<number>): CheckLine {
  const known = new Set(MIGRATIONS.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v)).sort((a, b) => a - b);
  const pending = MIGRATIONS.filter((m) => !applied.has(m.version)).map((m) => m.version);
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  if (unknown.length > 0) {
    return {
      name: "migrations",
      ok: false,
      code: "MIGRATIONS_AHEAD",
      detail: `the store has migration ${unknown.join(", ")}, which this version (up to ${latest}) does not know: it was migrated by a newer gateway`,
    };
  }
  if (pending.length > 0) {
    return {
      name: "migrations",
      ok: true,
      detail: `${pending.length} pending (${pending.join(", ")}): applied by \`license-gateway migrate\` or at start`,
    };
  }
  return { name: "migrations", ok: true, detail: `up to date (version ${latest})` };
}

async function checkRedis(url: string, keyPrefix: string): Promise<CheckLine[]> {
  try {
    const redis = await openRedis(url, { keyPrefix });
    await redis.quit().catch(() => redis.disconnect());
    return [{ name: "redis", ok: true, detail: `${redactUrl(url)} answers` }];
  } catch (error) {
    // openRedis says where (the URL without its password) and why.
    return [{ name: "redis", ok: false, code: "REDIS_UNREACHABLE", detail: (error as Error).message }];
  }
}

/**
 * A source built as the gateway builds it, without the cache or shared tokens: the vendor itself must answer. A
 * client of the gateway never sees what a vendor says in an error; the operator running the check does, after the
 * gateway's message, scrubbed as the log has it (the source's credentials and every credential shape redacted).
 */
async function checkSource(id: string, config: SourceConfig): Promise<CheckLine> {
  const name = `source ${id}`;
  let vendorSaid: string | undefined;
  const listening = { ...NO_UPSTREAM_TELEMETRY, vendorError: (answer: { vendorSaid: string }) => void (vendorSaid = answer.vendorSaid) };
  const source = vendorSource(id, config, { telemetry: listening });
  const started = performance.now();
  try {
    if (!source.probe) return { name, ok: true, detail: `${config.kind}: nothing to check` };
    await source.probe();
    return { name, ok: true, detail: `${config.kind}: an authenticated read answered in ${Math.round(performance.now() - started)} ms` };
  } catch (error) {
    // A GatewayError's message is written to be shown; anything else is not, so only its kind is.
    // One line per check: the vendor's line breaks would split it.
    const said = vendorSaid ? ` (the vendor said: ${vendorSaid.replace(/\s+/g, " ")})` : "";
    return isGatewayError(error)
      ? { name, ok: false, code: error.code, detail: `${config.kind}: ${error.message}${said}` }
      : {
          name,
          ok: false,
          code: "INTERNAL_SERVER_ERROR",
          detail: `${config.kind}: unexpected ${error instanceof Error ? error.name : "error"}`,
        };
  } finally {
    await source.close();
  }
}

/** Every credential in the config, so that no message printed can carry one whatever produced it. */
function secretsOf(config: GatewayConfig): string[] {
  const fromUrl = (url: string | undefined) => {
    try {
      return url === undefined ? [] : [decodeURIComponent(new URL(url).password)];
    } catch {
      return [];
    }
  };
  const fromSources = Object.values(config.sources).flatMap((s) => {
    const fields = s as Partial<Record<"password" | "refreshToken" | "token" | "apiKey", string>>;
    return [fields.password, fields.refreshToken, fields.token, fields.apiKey];
  });
  const telemetry = [config.telemetry?.metrics?.bearerToken, ...Object.values(config.telemetry?.tracing?.otlp?.headers ?? {})];
  return [...fromSources, ...telemetry, config.auth?.jwt?.hs256Secret, ...fromUrl(config.store.url), ...fromUrl(config.cache.url)].filter(
    (s): s is string => typeof s === "string" && s.length > 0,
  );
}

/** Secrets this short cannot be told from ordinary words in a message (a password "b"): those are left alone. */
const MIN_SCRUBBED_LENGTH = 4;

function scrubber(secrets: string[]): (text: string) => string {
  const scrubbed = secrets.filter((s) => s.length >= MIN_SCRUBBED_LENGTH);
  return (text) => scrubbed.reduce((out, secret) => out.split(secret).join("***"), text);
}

function within<T>(ms: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([run(), timeout]).finally(() => clearTimeout(timer));
}

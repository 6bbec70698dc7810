import { SQLITE_NOW_DEFAULT, sqliteTimestampCheck } from "../sqlite-time.js";

/**
 * The SQLite schema as of version 5, created in one step. SQLite stores are new with version 5, so they have no
 * history to replay: this baseline stands for migrations 1 to 5 (recorded as applied), and every migration from 6
 * on is written once for both engines (migrate.ts). Each table has what its PostgreSQL history gives it, read
 * from 001-005 (the comments there say why): the same columns in the same order, nullability, defaults, primary
 * keys, unique and partial indexes, checks, and references with their cascades.
 *
 * How PostgreSQL's types are kept (tables are STRICT, so a column refuses a value of another type, as on
 * PostgreSQL): timestamps as text of one shape, checked (sqlite-time.ts); booleans as integers 0 or 1, checked;
 * jsonb as text, checked valid; uuids as their lowercase text; bigserial as an INTEGER PRIMARY KEY AUTOINCREMENT,
 * which never hands out an id twice. A text primary key is declared NOT NULL, which SQLite would otherwise not
 * enforce.
 */
export const BASELINE_VERSION = 5;

const timestamp = (column: string) => `${column} text not null default ${SQLITE_NOW_DEFAULT} check (${sqliteTimestampCheck(column)})`;
const nullableTimestamp = (column: string) => `${column} text null check (${column} is null or ${sqliteTimestampCheck(column)})`;
const boolean = (column: string, byDefault: boolean) =>
  `${column} integer not null default ${Number(byDefault)} check (${column} in (0, 1))`;
const json = (column: string) => `${column} text not null check (json_valid(${column}))`;
const nullableJson = (column: string) => `${column} text null check (${column} is null or json_valid(${column}))`;

export const statements: readonly string[] = [
  `create table customers (
    id text not null primary key,
    name text not null,
    ${timestamp("created_at")},
    ${timestamp("updated_at")}
  ) strict`,

  `create table customer_accounts (
    customer_id text not null references customers (id) on delete cascade,
    source text not null,
    external_id text not null,
    primary key (source, external_id)
  ) strict`,
  `create index customer_accounts_customer_id on customer_accounts (customer_id)`,

  `create table controllers (
    node_id text not null primary key,
    name text,
    serial_number text,
    customer_id text references customers (id) on delete set null,
    ${timestamp("created_at")},
    ${timestamp("updated_at")}
  ) strict`,
  `create index controllers_customer_id on controllers (customer_id)`,

  `create table licenses (
    id text not null primary key,
    key text not null unique,
    type text,
    grid_kw integer,
    solar_kw integer,
    battery_kw integer,
    ev_kw integer,
    duration_months integer,
    customer_id text references customers (id),
    ${timestamp("created_at")},
    ${nullableTimestamp("activated_at")},
    ${nullableTimestamp("deactivated_at")},
    ${boolean("blocked", false)}
  ) strict`,
  `create index licenses_customer_id on licenses (customer_id)`,

  // Migration 2's shape: one claim per license only where exclusive (the partial index decides races).
  `create table claims (
    id text not null primary key,
    source text not null,
    license_external_id text not null,
    license_key text not null,
    node_id text not null,
    vendor_datalink_id text,
    ${timestamp("created_at")},
    license_account text null,
    ${boolean("exclusive", true)}
  ) strict`,
  `create index claims_node_id on claims (node_id)`,
  `create index claims_vendor_datalink on claims (source, vendor_datalink_id)`,
  `create unique index claims_one_per_license on claims (source, license_external_id) where exclusive`,
  `create unique index claims_license_node on claims (source, license_external_id, node_id)`,

  `create table audit_log (
    id integer primary key autoincrement,
    ${timestamp("at")},
    operation text not null,
    principal text,
    ${json("input")},
    outcome text not null check (outcome in ('ok', 'error')),
    error_code text,
    ${nullableJson("result")}
  ) strict`,

  `create table api_keys (
    id text not null primary key,
    name text not null,
    role text not null check (role in ('admin', 'partner', 'customer')),
    customer_id text null references customers (id),
    key_hash text not null,
    ${timestamp("created_at")},
    ${nullableTimestamp("revoked_at")},
    ${nullableTimestamp("last_used_at")},
    ${boolean("documents_locked", false)},
    check ((role = 'customer') = (customer_id is not null))
  ) strict`,
  `create table api_key_grants (
    key_id text not null references api_keys (id) on delete cascade,
    customer_id text not null references customers (id) on delete cascade,
    ${timestamp("created_at")},
    primary key (key_id, customer_id)
  ) strict`,
  `create index api_key_grants_customer_id on api_key_grants (customer_id)`,

  `create table idempotency_keys (
    principal text not null,
    operation text not null,
    key text not null,
    input_hash text not null,
    state text not null default 'pending',
    ${nullableJson("result")},
    ${timestamp("created_at")},
    ${nullableTimestamp("completed_at")},
    primary key (principal, operation, key)
  ) strict`,
  `create index idempotency_keys_created on idempotency_keys (created_at)`,

  // PostgreSQL checks the hash with a regular expression; SQLite has none built in: 64 characters, none outside 0-9a-f.
  `create table trusted_documents (
    key_id text not null references api_keys (id) on delete cascade,
    hash text not null check (length(hash) = 64 and hash not glob '*[^0-9a-f]*'),
    body text not null,
    operation_type text not null check (operation_type in ('query', 'mutation', 'subscription')),
    operation_name text null,
    ${timestamp("created_at")},
    primary key (key_id, hash)
  ) strict`,
];

import { SQLITE_NOW_DEFAULT, sqliteTimestampCheck } from "../sqlite-time.js";

/**
 * The license index, the change feed and what runs them (issue 16; docs/design/license-events.md).
 * - `license_index`: the last good snapshot of each source's licenses, one row per (source, external_id), as the
 *   sync last read it; never the license key. `node_ids` is a sorted JSON array, `[]` when unclaimed.
 * - `license_events`: append-only; `cursor` is handed out by a bigserial (AUTOINCREMENT on SQLite), so a cursor is
 *   never reused, even after `prune` removes the oldest rows.
 * - `sync_state`: one row per source, what /readyz and the metrics tell of the sync.
 * - `leases`: who runs the sync of a source (one replica at a time on PostgreSQL).
 * - `webhooks`, with their key (cascade: a webhook means nothing without the key that made it), and
 *   `webhook_deliveries`, one per webhook and event (the unique index ignores a repeat), going with their webhook
 *   and with their event when retention prunes it (cascade), so the delivery log is kept as long as the events.
 *   A pending delivery always has its next attempt time; a delivered or dead one never does (the check).
 * Expand only: new tables, nothing an older replica reads is changed.
 */
export const version = 6;
export const name = "license_index";

const STATUSES = `('INACTIVE', 'ACTIVE', 'EXPIRED', 'DEACTIVATED', 'BLOCKED')`;
const TYPES = `('APPEARED', 'REMOVED', 'ACTIVATED', 'CLAIMED', 'RELEASED', 'BLOCKED', 'UNBLOCKED', 'EXPIRED', 'EXPIRING', 'STATUS_CHANGED')`;

/** The indexes, the same on both engines (the reads each serves is named in the query modules). */
const indexes: readonly string[] = [
  // ofAccount, accounts, replaceAccount's delete.
  `create index license_index_account on license_index (source, account)`,
  // ofCustomer and page with customerIds.
  `create index license_index_customer on license_index (customer_id, source)`,
  // page's order: (expires_at nulls last, source, external_id); PostgreSQL's ascending index keeps nulls last.
  `create index license_index_expires on license_index (expires_at, source, external_id)`,
  // after() with customerIds, in cursor order.
  `create index license_events_customer on license_events (customer_id, cursor)`,
  // prune (olderThan).
  `create index license_events_at on license_events (at)`,
  `create index webhooks_key_id on webhooks (key_id)`,
  // enqueue's repeats, and the delivery log of one webhook, newest first.
  `create unique index webhook_deliveries_webhook_cursor on webhook_deliveries (webhook_id, cursor)`,
  // The cascade from a pruned event.
  `create index webhook_deliveries_cursor on webhook_deliveries (cursor)`,
  // due(): the pending ones, by next attempt, of all webhooks or of one.
  `create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where state = 'pending'`,
  `create index webhook_deliveries_webhook_due on webhook_deliveries (webhook_id, next_attempt_at) where state = 'pending'`,
];

export const statements: readonly string[] = [
  `create table license_index (
    source text not null,
    external_id text not null,
    account text not null,
    customer_id text null,
    status text not null check (status in ${STATUSES}),
    type text null,
    activated_at timestamptz null,
    expires_at timestamptz null,
    node_ids jsonb not null check (jsonb_typeof(node_ids) = 'array'),
    indexed_at timestamptz not null,
    primary key (source, external_id)
  )`,
  `create table license_events (
    cursor bigserial primary key,
    at timestamptz not null,
    origin text not null check (origin in ('SYNC', 'MUTATION')),
    type text not null check (type in ${TYPES}),
    source text not null,
    external_id text not null,
    customer_id text null,
    status text not null check (status in ${STATUSES}),
    previous_status text null check (previous_status is null or previous_status in ${STATUSES}),
    node_id text null,
    expires_at timestamptz null,
    threshold_days int null check (threshold_days is null or threshold_days >= 0)
  )`,
  `create table sync_state (
    source text primary key,
    last_started_at timestamptz null,
    last_success_at timestamptz null,
    last_error_at timestamptz null,
    last_error_code text null,
    consecutive_failures int not null default 0 check (consecutive_failures >= 0),
    last_duration_ms int null,
    accounts int not null default 0,
    licenses int not null default 0
  )`,
  `create table leases (
    name text primary key,
    holder text not null,
    expires_at timestamptz not null
  )`,
  `create table webhooks (
    id text primary key,
    key_id text not null references api_keys on delete cascade,
    url text not null,
    secret text not null,
    types jsonb null check (types is null or jsonb_typeof(types) = 'array'),
    created_at timestamptz not null default now(),
    disabled_at timestamptz null
  )`,
  `create table webhook_deliveries (
    id text primary key,
    webhook_id text not null references webhooks on delete cascade,
    cursor bigint not null references license_events on delete cascade,
    state text not null default 'pending' check (state in ('pending', 'delivered', 'dead')),
    attempts int not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz null,
    last_attempt_at timestamptz null,
    last_status int null,
    last_error_code text null,
    created_at timestamptz not null default now(),
    delivered_at timestamptz null,
    check ((state = 'pending') = (next_attempt_at is not null))
  )`,
  ...indexes,
];

// SQLite: the same tables as sqlite-baseline.ts keeps PostgreSQL's types (STRICT, timestamps as checked text,
// jsonb as checked JSON text, bigserial as INTEGER PRIMARY KEY AUTOINCREMENT).
const timestamp = (column: string) => `${column} text not null check (${sqliteTimestampCheck(column)})`;
const timestampWithDefault = (column: string) =>
  `${column} text not null default ${SQLITE_NOW_DEFAULT} check (${sqliteTimestampCheck(column)})`;
const nullableTimestamp = (column: string) => `${column} text null check (${column} is null or ${sqliteTimestampCheck(column)})`;

export const sqlite: readonly string[] = [
  `create table license_index (
    source text not null,
    external_id text not null,
    account text not null,
    customer_id text null,
    status text not null check (status in ${STATUSES}),
    type text null,
    ${nullableTimestamp("activated_at")},
    ${nullableTimestamp("expires_at")},
    node_ids text not null check (json_valid(node_ids) and json_type(node_ids) = 'array'),
    ${timestamp("indexed_at")},
    primary key (source, external_id)
  ) strict`,
  `create table license_events (
    cursor integer primary key autoincrement,
    ${timestamp("at")},
    origin text not null check (origin in ('SYNC', 'MUTATION')),
    type text not null check (type in ${TYPES}),
    source text not null,
    external_id text not null,
    customer_id text null,
    status text not null check (status in ${STATUSES}),
    previous_status text null check (previous_status is null or previous_status in ${STATUSES}),
    node_id text null,
    ${nullableTimestamp("expires_at")},
    threshold_days integer null check (threshold_days is null or threshold_days >= 0)
  ) strict`,
  `create table sync_state (
    source text not null primary key,
    ${nullableTimestamp("last_started_at")},
    ${nullableTimestamp("last_success_at")},
    ${nullableTimestamp("last_error_at")},
    last_error_code text null,
    consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
    last_duration_ms integer null,
    accounts integer not null default 0,
    licenses integer not null default 0
  ) strict`,
  `create table leases (
    name text not null primary key,
    holder text not null,
    ${timestamp("expires_at")}
  ) strict`,
  `create table webhooks (
    id text not null primary key,
    key_id text not null references api_keys (id) on delete cascade,
    url text not null,
    secret text not null,
    types text null check (types is null or (json_valid(types) and json_type(types) = 'array')),
    ${timestampWithDefault("created_at")},
    ${nullableTimestamp("disabled_at")}
  ) strict`,
  `create table webhook_deliveries (
    id text not null primary key,
    webhook_id text not null references webhooks (id) on delete cascade,
    cursor integer not null references license_events (cursor) on delete cascade,
    state text not null default 'pending' check (state in ('pending', 'delivered', 'dead')),
    attempts integer not null default 0 check (attempts >= 0),
    ${nullableTimestamp("next_attempt_at")},
    ${nullableTimestamp("last_attempt_at")},
    last_status integer null,
    last_error_code text null,
    ${timestampWithDefault("created_at")},
    ${nullableTimestamp("delivered_at")},
    check ((state = 'pending') = (next_attempt_at is not null))
  ) strict`,
  ...indexes,
];

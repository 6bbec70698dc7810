import type { ColumnType, Generated } from "kysely";
import type { LicenseEventOrigin, LicenseEventType } from "../domain/license-events.js";
import type { LicenseStatus } from "../domain/model.js";

/**
 * The store's tables as the query builder sees them, on both engines. A column's type is what the driver hands
 * back before the query modules decode it, so it covers both engines (dialect.ts says how each stores a value):
 *
 * - a timestamp is a `Date` on PostgreSQL (timestamptz) and ISO-8601 text on SQLite; it is written as a `Date`
 *   or the dialect's `now()`, and read through `toDate`;
 * - a boolean is a boolean on PostgreSQL and 0 or 1 on SQLite; written as a boolean, read through `Boolean`;
 * - JSON is text on both (jsonb on PostgreSQL, whose parser is turned off so both engines agree), written
 *   through `toJson` and read through `fromJson`.
 *
 * Columns with a default are `Generated` or optional on insert. Migrations, not this file, define the schema.
 */
export type Timestamp = ColumnType<Date | string, Date | string, Date | string>;
type TimestampWithDefault = ColumnType<Date | string, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | string | null, Date | string | null | undefined, Date | string | null>;
type Bool = ColumnType<boolean | number, boolean | undefined, boolean>;
type Json = ColumnType<string, string, string>;
type NullableJson = ColumnType<string | null, string | null | undefined, string | null>;

export interface Database {
  customers: CustomersTable;
  customer_accounts: CustomerAccountsTable;
  controllers: ControllersTable;
  licenses: LicensesTable;
  claims: ClaimsTable;
  audit_log: AuditLogTable;
  api_keys: ApiKeysTable;
  api_key_grants: ApiKeyGrantsTable;
  idempotency_keys: IdempotencyKeysTable;
  trusted_documents: TrustedDocumentsTable;
  license_index: LicenseIndexTable;
  license_events: LicenseEventsTable;
  sync_state: SyncStateTable;
  leases: LeasesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  schema_migrations: SchemaMigrationsTable;
}

export interface CustomersTable {
  id: string;
  name: string;
  created_at: TimestampWithDefault;
  updated_at: TimestampWithDefault;
}

export interface CustomerAccountsTable {
  customer_id: string;
  source: string;
  external_id: string;
}

export interface ControllersTable {
  node_id: string;
  name: string | null;
  serial_number: string | null;
  customer_id: string | null;
  created_at: TimestampWithDefault;
  updated_at: TimestampWithDefault;
}

export interface LicensesTable {
  /** A uuid: the uuid type on PostgreSQL, its lowercase text on SQLite. */
  id: string;
  key: string;
  type: string | null;
  grid_kw: number | null;
  solar_kw: number | null;
  battery_kw: number | null;
  ev_kw: number | null;
  duration_months: number | null;
  customer_id: string | null;
  created_at: TimestampWithDefault;
  activated_at: NullableTimestamp;
  deactivated_at: NullableTimestamp;
  blocked: Bool;
}

export interface ClaimsTable {
  /** A uuid, as licenses.id. */
  id: string;
  source: string;
  license_external_id: string;
  license_key: string;
  node_id: string;
  vendor_datalink_id: string | null;
  created_at: TimestampWithDefault;
  license_account: string | null;
  exclusive: Bool;
}

export interface AuditLogTable {
  /** bigserial on PostgreSQL, integer primary key autoincrement on SQLite: never reused, read as a number. */
  id: Generated<number>;
  at: TimestampWithDefault;
  operation: string;
  principal: string | null;
  input: Json;
  outcome: "ok" | "error";
  error_code: string | null;
  result: NullableJson;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  role: "admin" | "partner" | "customer";
  customer_id: string | null;
  key_hash: string;
  created_at: TimestampWithDefault;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  documents_locked: Bool;
}

export interface ApiKeyGrantsTable {
  key_id: string;
  customer_id: string;
  created_at: TimestampWithDefault;
}

export interface IdempotencyKeysTable {
  principal: string;
  operation: string;
  key: string;
  input_hash: string;
  state: ColumnType<"pending" | "done", "pending" | "done" | undefined, "pending" | "done">;
  result: NullableJson;
  created_at: TimestampWithDefault;
  completed_at: NullableTimestamp;
}

export interface TrustedDocumentsTable {
  key_id: string;
  hash: string;
  body: string;
  operation_type: "query" | "mutation" | "subscription";
  operation_name: string | null;
  created_at: TimestampWithDefault;
}

export interface LicenseIndexTable {
  source: string;
  external_id: string;
  account: string;
  customer_id: string | null;
  status: LicenseStatus;
  type: string | null;
  activated_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  /** The node ids, sorted, as a JSON array (`[]` when unclaimed). */
  node_ids: Json;
  indexed_at: Timestamp;
}

export interface LicenseEventsTable {
  /** bigserial on PostgreSQL, integer primary key autoincrement on SQLite: never reused, read as a number. */
  cursor: Generated<number>;
  at: Timestamp;
  origin: LicenseEventOrigin;
  type: LicenseEventType;
  source: string;
  external_id: string;
  customer_id: string | null;
  status: LicenseStatus;
  previous_status: LicenseStatus | null;
  node_id: string | null;
  expires_at: NullableTimestamp;
  threshold_days: number | null;
}

export interface SyncStateTable {
  source: string;
  last_started_at: NullableTimestamp;
  last_success_at: NullableTimestamp;
  last_error_at: NullableTimestamp;
  last_error_code: string | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  last_duration_ms: number | null;
  accounts: ColumnType<number, number | undefined, number>;
  licenses: ColumnType<number, number | undefined, number>;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: Timestamp;
}

export interface WebhooksTable {
  id: string;
  key_id: string;
  url: string;
  secret: string;
  /** The event types it wants as a JSON array; null for all. */
  types: NullableJson;
  created_at: TimestampWithDefault;
  disabled_at: NullableTimestamp;
}

export type DeliveryState = "pending" | "delivered" | "dead";

export interface WebhookDeliveriesTable {
  /** A uuid made in TypeScript, as text on both engines. */
  id: string;
  webhook_id: string;
  cursor: number;
  state: ColumnType<DeliveryState, DeliveryState | undefined, DeliveryState>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  last_status: number | null;
  last_error_code: string | null;
  created_at: TimestampWithDefault;
  delivered_at: NullableTimestamp;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: TimestampWithDefault;
}

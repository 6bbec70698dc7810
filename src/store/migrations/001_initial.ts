/**
 * The gateway's own tables. One statement per string: each string is run as one statement.
 * Ids that the gateway mints are uuids made in TypeScript (`crypto.randomUUID()`), so no extension is needed
 * on either engine. Customer and controller ids are text: customers may be created with an id chosen by an
 * operator, and node ids come from the vendors.
 */
export const version = 1;
export const name = "initial";

export const statements: readonly string[] = [
  `create table customers (
    id text primary key,
    name text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,

  // The federation map: customer X is account `external_id` at source `source`. An account belongs to at
  // most one customer, hence the primary key on (source, external_id) rather than on the customer.
  `create table customer_accounts (
    customer_id text not null references customers on delete cascade,
    source text not null,
    external_id text not null,
    primary key (source, external_id)
  )`,
  `create index customer_accounts_customer_id on customer_accounts (customer_id)`,

  // A controller outlives its customer: deleting the customer only unassigns it.
  `create table controllers (
    node_id text primary key,
    name text,
    serial_number text,
    customer_id text references customers on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index controllers_customer_id on controllers (customer_id)`,

  // Licenses issued by the gateway itself. No cascade from customers: a customer with licenses must not vanish
  // silently with them.
  `create table licenses (
    id uuid primary key,
    key text not null unique,
    type text,
    grid_kw int,
    solar_kw int,
    battery_kw int,
    ev_kw int,
    duration_months int,
    customer_id text references customers,
    created_at timestamptz not null default now(),
    activated_at timestamptz,
    deactivated_at timestamptz,
    blocked boolean not null default false
  )`,
  `create index licenses_customer_id on licenses (customer_id)`,

  // Datalinks the gateway made or holds, for any source. The unique (source, license_external_id) is what
  // decides a race between two claims of the same license: the second insert fails with 23505.
  `create table claims (
    id uuid primary key,
    source text not null,
    license_external_id text not null,
    license_key text not null,
    node_id text not null,
    vendor_datalink_id text,
    created_at timestamptz not null default now(),
    unique (source, license_external_id)
  )`,
  `create index claims_node_id on claims (node_id)`,
  `create index claims_vendor_datalink on claims (source, vendor_datalink_id)`,

  `create table audit_log (
    id bigserial primary key,
    at timestamptz not null default now(),
    operation text not null,
    principal text,
    input jsonb not null,
    outcome text not null check (outcome in ('ok', 'error')),
    error_code text,
    result jsonb
  )`,
];

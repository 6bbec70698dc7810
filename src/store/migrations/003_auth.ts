/**
 * Client authentication (issue 4): API keys and the customers granted to partner keys.
 * - Only a hash of each key's secret is kept (see `src/auth/api-keys.ts` for why SHA-256 without a salt is
 *   enough); the key id is the lookup, so the hash column needs no index.
 * - A customer key names its customer; other roles name none (the check below), so a key can never be a
 *   customer key for nobody.
 * - Keys are revoked, never deleted: the audit log names them, and a revoked id must not come back.
 * - Grants go with their key or their customer (cascade): a grant means nothing without either.
 */
export const version = 3;
export const name = "auth";

export const statements: readonly string[] = [
  `create table api_keys (
    id text primary key,
    name text not null,
    role text not null check (role in ('admin', 'partner', 'customer')),
    customer_id text null references customers,
    key_hash text not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz null,
    last_used_at timestamptz null,
    check ((role = 'customer') = (customer_id is not null))
  )`,
  `create table api_key_grants (
    key_id text not null references api_keys on delete cascade,
    customer_id text not null references customers on delete cascade,
    created_at timestamptz not null default now(),
    primary key (key_id, customer_id)
  )`,
  `create index api_key_grants_customer_id on api_key_grants (customer_id)`,
];

/**
 * Mutations' idempotency keys: the first request with a key records itself as pending, runs, and stores its
 * result; a repeat (same principal, operation and key) gets that result without running again. The primary key
 * decides a race between two first requests. Rows older than a day are pruned when new ones are written.
 */
export const version = 4;
export const name = "idempotency";

export const statements: readonly string[] = [
  `create table idempotency_keys (
    principal text not null,
    operation text not null,
    key text not null,
    input_hash text not null,
    state text not null default 'pending',
    result jsonb null,
    created_at timestamptz not null default now(),
    completed_at timestamptz null,
    primary key (principal, operation, key)
  )`,
  `create index idempotency_keys_created on idempotency_keys (created_at)`,
];

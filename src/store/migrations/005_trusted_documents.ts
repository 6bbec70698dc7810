/**
 * Trusted documents (issue 7): the operations an API key's client has published ahead of time, and whether the key
 * is locked to them.
 * - A document is kept under its SHA-256 (hex of the UTF-8 text, as Apollo's persisted-query manifests and
 *   GraphQL Code Generator's persisted documents name them), per key: one partner's list says nothing of another's.
 * - Expand only: old replicas read api_keys without the new column and keep working during a rolling upgrade (a
 *   lock set meanwhile is enforced by the new replicas only, until the upgrade ends).
 * - Documents go with their key (cascade), though keys are revoked rather than deleted.
 */
export const version = 5;
export const name = "trusted_documents";

export const statements: readonly string[] = [
  `alter table api_keys add column documents_locked boolean not null default false`,
  `create table trusted_documents (
    key_id text not null references api_keys on delete cascade,
    hash text not null check (hash ~ '^[0-9a-f]{64}$'),
    body text not null,
    operation_type text not null check (operation_type in ('query', 'mutation', 'subscription')),
    operation_name text null,
    created_at timestamptz not null default now(),
    primary key (key_id, hash)
  )`,
];

-- Local stand-in for Supabase Vault (supabase_vault 0.3): same table, view and function
-- signatures. Secrets are encrypted at rest with pgcrypto (PGP symmetric, AES-256) under a random
-- root key generated once, here, at install. The per-row passphrase is the root key plus the
-- secret id, so ciphertext copied to another row does not decrypt (as Vault binds the id as AEAD
-- associated data). Nothing here is granted to anon, authenticated or service_role: only the owner
-- (and SECURITY DEFINER functions it owns, e.g. the BYOK RPCs) can read decrypted secrets.
-- Never pushed to Supabase.

create schema if not exists vault;
revoke all on schema vault from public;

-- Single-row table holding the root key (256 random bits, so no S2K stretching is needed). Real
-- Vault keeps it outside the database; here it is readable by the owner only.
create table if not exists vault._root_key (
  singleton boolean primary key default true check (singleton),
  key text not null
);
insert into vault._root_key (key)
  values (encode(extensions.gen_random_bytes(32), 'hex'))
  on conflict (singleton) do nothing;
revoke all on vault._root_key from public, anon, authenticated, service_role;

create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);
create unique index if not exists secrets_name_idx on vault.secrets (name) where name is not null;

comment on table vault.secrets is
  'Table with encrypted `secret` column for storing sensitive information on disk.';
comment on column vault.secrets.secret is
  'base64 of pgp_sym_encrypt(plaintext, root key || id, aes256): never plaintext.';
comment on column vault.secrets.nonce is
  'Kept for Supabase''s shape; the PGP message carries its own salt and IV, so this stays null.';

create or replace function vault._encrypt(p_plaintext text, p_id uuid) returns text
language sql volatile security definer set search_path = ''
as $$
  select pg_catalog.encode(
    extensions.pgp_sym_encrypt(
      p_plaintext,
      (select k.key from vault._root_key k) || ':' || p_id::text,
      'cipher-algo=aes256, s2k-mode=1, s2k-digest-algo=sha256'
    ),
    'base64'
  )
$$;

create or replace function vault._decrypt(p_ciphertext text, p_id uuid) returns text
language sql stable security definer set search_path = ''
as $$
  select extensions.pgp_sym_decrypt(
    pg_catalog.decode(p_ciphertext, 'base64'),
    (select k.key from vault._root_key k) || ':' || p_id::text
  )
$$;

create or replace view vault.decrypted_secrets as
select
  s.id,
  s.name,
  s.description,
  s.secret,
  vault._decrypt(s.secret, s.id) as decrypted_secret,
  s.key_id,
  s.nonce,
  s.created_at,
  s.updated_at
from vault.secrets s;

create or replace function vault.create_secret(
  new_secret text,
  new_name text default null,
  new_description text default '',
  new_key_id uuid default null
) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  v_id uuid := pg_catalog.gen_random_uuid();
begin
  insert into vault.secrets (id, name, description, secret, key_id)
  values (v_id, new_name, coalesce(new_description, ''), vault._encrypt(new_secret, v_id), new_key_id);
  return v_id;
end
$$;

create or replace function vault.update_secret(
  secret_id uuid,
  new_secret text default null,
  new_name text default null,
  new_description text default null,
  new_key_id uuid default null
) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  update vault.secrets s
  set
    secret = case when new_secret is null then s.secret else vault._encrypt(new_secret, s.id) end,
    name = coalesce(new_name, s.name),
    description = coalesce(new_description, s.description),
    key_id = coalesce(new_key_id, s.key_id),
    updated_at = pg_catalog.now()
  where s.id = secret_id;
end
$$;

revoke all on vault.secrets, vault.decrypted_secrets from public, anon, authenticated, service_role;
revoke all on function
  vault._encrypt(text, uuid),
  vault._decrypt(text, uuid),
  vault.create_secret(text, text, text, uuid),
  vault.update_secret(uuid, text, text, text, uuid)
from public, anon, authenticated, service_role;
revoke all on schema vault from anon, authenticated, service_role;

-- BYOK keys: api_keys holds metadata only; the key itself lives in Supabase Vault under the name
-- api_key:{user_id}:{service}. Users can list their own rows; every write and every read of a
-- key goes through the service-only RPCs below.

create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  service text not null,
  vault_secret_name text not null,
  last_used timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint api_keys_user_id_service_key unique (user_id, service),
  constraint api_keys_vault_secret_name_key unique (vault_secret_name),
  constraint api_keys_service_check check (service ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
  constraint api_keys_vault_secret_name_check
    check (vault_secret_name = 'api_key:' || user_id::text || ':' || service)
);

comment on table public.api_keys is
  'Metadata of a user''s provider key (BYOK). The key is in vault.secrets; use the private.*_user_api_key RPCs (service_role only).';
comment on column public.api_keys.service is 'Provider id, lower case, e.g. openai, anthropic, google.';
comment on column public.api_keys.vault_secret_name is 'Name of the Vault secret: api_key:{user_id}:{service}.';
comment on column public.api_keys.last_used is 'Set by private.touch_user_api_key; reset when the key is rotated.';

-- user_id is covered by the unique (user_id, service) index.

create trigger api_keys_set_updated_at
  before update on public.api_keys
  for each row execute function private.set_updated_at();

alter table public.api_keys enable row level security;

-- anon gets nothing. authenticated gets plain DML only (not TRUNCATE, which ignores RLS, nor
-- REFERENCES/TRIGGER/MAINTAIN); the policies below decide which rows.
revoke all on public.api_keys from anon, authenticated;
grant select, insert, update, delete on public.api_keys to authenticated;

-- Read-only for users: no insert/update/delete policies.
create policy api_keys_select_owner on public.api_keys
  for select to authenticated
  using (user_id = (select auth.uid()));

-- ---------------------------------------------------------------------------------------------
-- Vault RPCs. SECURITY DEFINER (they need Vault), EXECUTE only for service_role, and they refuse
-- any caller whose JWT role is not service_role and who is not the service_role database role
-- (inside a SECURITY DEFINER function current_user is the owner, so the caller's role is read from
-- the `role` setting). Keys are never logged or echoed in errors.
-- ---------------------------------------------------------------------------------------------

create or replace function private.insert_user_api_key(p_user_id uuid, p_service text, p_api_key text)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_service text := pg_catalog.lower(pg_catalog.btrim(p_service));
  v_name text;
  v_secret_id uuid;
  v_id uuid;
begin
  if coalesce(auth.role(), '') <> 'service_role' and pg_catalog.current_setting('role', true) <> 'service_role' then
    raise exception 'insert_user_api_key requires service_role' using errcode = '42501';
  end if;
  if p_user_id is null then
    raise exception 'user id is required' using errcode = '22023';
  end if;
  if v_service is null or v_service !~ '^[a-z0-9][a-z0-9_-]{0,31}$' then
    raise exception 'invalid service name' using errcode = '22023';
  end if;
  if p_api_key is null or pg_catalog.btrim(p_api_key) = '' then
    raise exception 'api key must not be empty' using errcode = '22023';
  end if;

  v_name := 'api_key:' || p_user_id::text || ':' || v_service;
  -- Serialise concurrent upserts of the same (user, service) so exactly one secret exists.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(v_name, 0));

  select s.id into v_secret_id from vault.secrets s where s.name = v_name;
  if v_secret_id is null then
    v_secret_id := vault.create_secret(p_api_key, v_name, 'TripSage BYOK key');
  else
    perform vault.update_secret(v_secret_id, p_api_key);
  end if;

  insert into public.api_keys as k (user_id, service, vault_secret_name, last_used)
  values (p_user_id, v_service, v_name, null)
  on conflict (user_id, service) do update
    set vault_secret_name = excluded.vault_secret_name, last_used = null, updated_at = pg_catalog.now()
  returning k.id into v_id;

  return v_id;
end;
$$;

create or replace function private.get_user_api_key(p_user_id uuid, p_service text)
returns text
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_service text := pg_catalog.lower(pg_catalog.btrim(p_service));
  v_key text;
begin
  if coalesce(auth.role(), '') <> 'service_role' and pg_catalog.current_setting('role', true) <> 'service_role' then
    raise exception 'get_user_api_key requires service_role' using errcode = '42501';
  end if;
  if p_user_id is null then
    raise exception 'user id is required' using errcode = '22023';
  end if;
  if v_service is null or v_service !~ '^[a-z0-9][a-z0-9_-]{0,31}$' then
    raise exception 'invalid service name' using errcode = '22023';
  end if;

  select d.decrypted_secret into v_key
  from public.api_keys k
  join vault.decrypted_secrets d on d.name = k.vault_secret_name
  where k.user_id = p_user_id and k.service = v_service;

  return v_key;
end;
$$;

create or replace function private.delete_user_api_key(p_user_id uuid, p_service text)
returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_service text := pg_catalog.lower(pg_catalog.btrim(p_service));
  v_name text;
  v_deleted boolean;
begin
  if coalesce(auth.role(), '') <> 'service_role' and pg_catalog.current_setting('role', true) <> 'service_role' then
    raise exception 'delete_user_api_key requires service_role' using errcode = '42501';
  end if;
  if p_user_id is null then
    raise exception 'user id is required' using errcode = '22023';
  end if;
  if v_service is null or v_service !~ '^[a-z0-9][a-z0-9_-]{0,31}$' then
    raise exception 'invalid service name' using errcode = '22023';
  end if;

  v_name := 'api_key:' || p_user_id::text || ':' || v_service;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(v_name, 0));

  delete from public.api_keys k where k.user_id = p_user_id and k.service = v_service;
  v_deleted := found;
  -- Also removes a secret left without its row.
  delete from vault.secrets s where s.name = v_name;

  return v_deleted;
end;
$$;

create or replace function private.touch_user_api_key(p_user_id uuid, p_service text)
returns void
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_service text := pg_catalog.lower(pg_catalog.btrim(p_service));
begin
  if coalesce(auth.role(), '') <> 'service_role' and pg_catalog.current_setting('role', true) <> 'service_role' then
    raise exception 'touch_user_api_key requires service_role' using errcode = '42501';
  end if;
  if p_user_id is null then
    raise exception 'user id is required' using errcode = '22023';
  end if;
  if v_service is null or v_service !~ '^[a-z0-9][a-z0-9_-]{0,31}$' then
    raise exception 'invalid service name' using errcode = '22023';
  end if;

  update public.api_keys k
  set last_used = pg_catalog.now()
  where k.user_id = p_user_id and k.service = v_service;
end;
$$;

create or replace function private.check_vault_health()
returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_probe text := pg_catalog.gen_random_uuid()::text;
  v_name text := 'health_probe:' || pg_catalog.gen_random_uuid()::text;
  v_id uuid;
  v_read text;
begin
  if coalesce(auth.role(), '') <> 'service_role' and pg_catalog.current_setting('role', true) <> 'service_role' then
    raise exception 'check_vault_health requires service_role' using errcode = '42501';
  end if;
  begin
    v_id := vault.create_secret(v_probe, v_name, 'TripSage vault health probe');
    select d.decrypted_secret into v_read from vault.decrypted_secrets d where d.id = v_id;
    delete from vault.secrets s where s.id = v_id;
    return v_read is not distinct from v_probe;
  exception
    when others then
      return false;
  end;
end;
$$;

comment on function private.insert_user_api_key(uuid, text, text) is
  'service_role only. Upserts the user''s key for a service: rotates the Vault secret in place (one secret per user and service), resets last_used, returns the api_keys row id.';
comment on function private.get_user_api_key(uuid, text) is
  'service_role only. The decrypted key, or null when the user has none for the service.';
comment on function private.delete_user_api_key(uuid, text) is
  'service_role only. Removes the api_keys row and its Vault secret; true when a row existed.';
comment on function private.touch_user_api_key(uuid, text) is
  'service_role only. Sets last_used = now().';
comment on function private.check_vault_health() is
  'service_role only. Writes, reads back and deletes a probe secret; true when Vault round-trips.';

revoke execute on function
  private.insert_user_api_key(uuid, text, text),
  private.get_user_api_key(uuid, text),
  private.delete_user_api_key(uuid, text),
  private.touch_user_api_key(uuid, text),
  private.check_vault_health()
from public, anon, authenticated;
grant execute on function
  private.insert_user_api_key(uuid, text, text),
  private.get_user_api_key(uuid, text),
  private.delete_user_api_key(uuid, text),
  private.touch_user_api_key(uuid, text),
  private.check_vault_health()
to service_role;

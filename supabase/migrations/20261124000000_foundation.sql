-- Foundation: extensions, the `private` schema and the shared updated_at trigger function.
--
-- On Supabase, `vector` and `pgcrypto` live in the `extensions` schema; every reference below is
-- schema-qualified so nothing depends on the caller's search_path.

create extension if not exists pgcrypto with schema extensions;
create extension if not exists vector with schema extensions;

-- `private` holds SECURITY DEFINER policy helpers, trigger functions and the BYOK RPCs. It is not
-- in the API's exposed schemas, so none of it is reachable over PostgREST.
create schema if not exists private;
comment on schema private is
  'TripSage internals: RLS helpers, trigger functions and service-only RPCs. Never exposed over the API.';

revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

-- Per-schema default privileges can only add to the global ones, so this does not strip PUBLIC's
-- built-in EXECUTE on new functions; every function below therefore also revokes explicitly.
alter default privileges in schema private revoke execute on functions from public;

create or replace function private.set_updated_at() returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end;
$$;

comment on function private.set_updated_at() is
  'BEFORE UPDATE trigger: stamps updated_at with the transaction time.';

revoke execute on function private.set_updated_at() from public, anon, authenticated;

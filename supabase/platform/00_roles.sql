-- Local stand-in for the database roles every Supabase project has.
-- Applied only to PGlite and plain Postgres (embedded mode, tests); never pushed to Supabase.
-- Safe to re-run.

do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
end
$$;

-- A superuser can SET ROLE to anything; a non-superuser migrating role (plain Postgres) needs
-- membership, as Supabase's `postgres` role has.
do $$
begin
  if not (select rolsuper from pg_catalog.pg_roles where rolname = current_user) then
    execute format('grant anon, authenticated, service_role to %I', current_user);
  end if;
end
$$;

grant usage on schema public to anon, authenticated, service_role;

-- Supabase grants everything created in `public` to the API roles by default; this is why every
-- migration revokes what a role must not have (and RLS decides the rest).
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;

-- Test hooks shared by every pgTAP file in this folder.
--
-- `supabase test db` runs the files of supabase/tests/ in name order against one database, so this
-- file is deliberately NOT wrapped in a rolled-back transaction: the `tests` schema it creates stays
-- for the files that follow. Everything here is idempotent (re-running it is harmless).
--
-- The helpers mirror basejump's supabase_test_helpers (same names and call shapes), rewritten with
-- `search_path = ''` and schema-qualified bodies.

-- One explicit, committed transaction: an embedded runner sends the whole file as one multi-statement
-- query, where a later BEGIN … ROLLBACK would otherwise take these statements down with it.
begin;

create schema if not exists extensions;
-- On Supabase pgTAP lives in `extensions`; an embedded runner may already have created it elsewhere,
-- in which case this is a no-op.
create extension if not exists pgtap with schema extensions;

create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

-- tests.create_supabase_user(identifier, email): a row in auth.users; returns its id.
create or replace function tests.create_supabase_user(identifier text, email text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid := gen_random_uuid();
begin
  insert into auth.users (id, email, raw_user_meta_data, raw_app_meta_data, created_at, updated_at)
  values (
    v_id,
    coalesce(email, v_id::text || '@example.test'),
    jsonb_build_object('test_identifier', identifier),
    '{}'::jsonb,
    now(),
    now()
  );
  return v_id;
end;
$$;

-- tests.get_supabase_user(identifier): { id, email, raw_user_meta_data } of a test user.
create or replace function tests.get_supabase_user(identifier text)
returns json
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user json;
begin
  select json_build_object('id', u.id, 'email', u.email, 'raw_user_meta_data', u.raw_user_meta_data)
    into v_user
    from auth.users u
   where u.raw_user_meta_data ->> 'test_identifier' = identifier
   limit 1;
  if v_user is null then
    raise exception 'test user with identifier % not found', identifier;
  end if;
  return v_user;
end;
$$;

-- tests.get_supabase_uid(identifier): the id of a test user.
create or replace function tests.get_supabase_uid(identifier text)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  select u.id into v_id
    from auth.users u
   where u.raw_user_meta_data ->> 'test_identifier' = identifier
   limit 1;
  if v_id is null then
    raise exception 'test user with identifier % not found', identifier;
  end if;
  return v_id;
end;
$$;

-- tests.authenticate_as(identifier): transaction-local `role authenticated` + JWT claims, exactly
-- what PostgREST (and the SDK's user scope) sets for a request. Not SECURITY DEFINER: `role` cannot
-- be set inside a definer function.
create or replace function tests.authenticate_as(identifier text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_user json := tests.get_supabase_user(identifier);
begin
  perform pg_catalog.set_config('role', 'authenticated', true);
  perform pg_catalog.set_config(
    'request.jwt.claims',
    json_build_object(
      'sub', v_user ->> 'id',
      'role', 'authenticated',
      'aud', 'authenticated',
      'email', v_user ->> 'email',
      'user_metadata', v_user -> 'raw_user_meta_data',
      'app_metadata', '{}'::json,
      'exp', extract(epoch from now() + interval '1 hour')::bigint
    )::text,
    true
  );
end;
$$;

-- tests.authenticate_as_service_role(): what a request with the service key looks like.
create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('role', 'service_role', true);
  perform pg_catalog.set_config('request.jwt.claims', '{"role":"service_role"}', true);
end;
$$;

-- tests.clear_authentication(): an anonymous request (role anon).
create or replace function tests.clear_authentication()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('role', 'anon', true);
  perform pg_catalog.set_config('request.jwt.claims', '{"role":"anon"}', true);
end;
$$;

-- tests.rls_enabled(schema): pgTAP assertion that every table (ordinary or partitioned, not owned
-- by an extension) of the schema has row level security enabled; names the offenders on failure.
-- Invoker functions without a pinned search_path on purpose: pgTAP's `ok()` is found through the
-- caller's search_path, wherever the runner installed pgTAP.
create or replace function tests.rls_enabled(testing_schema text)
returns text
language plpgsql
as $$
declare
  v_missing text[];
begin
  select coalesce(array_agg(c.relname::text order by c.relname), '{}')
    into v_missing
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = testing_schema
     and c.relkind in ('r', 'p')
     and not c.relrowsecurity
     and not exists (
       select 1 from pg_catalog.pg_depend d
        where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
          and d.objid = c.oid and d.deptype = 'e'
     );
  return ok(
    cardinality(v_missing) = 0,
    'all tables in schema ' || testing_schema || ' should have row level security enabled'
  ) || case when cardinality(v_missing) = 0 then ''
            else E'\n' || diag('    without RLS: ' || array_to_string(v_missing, ', ')) end;
end;
$$;

-- tests.rls_enabled(schema, table): pgTAP assertion that one table has row level security enabled.
create or replace function tests.rls_enabled(testing_schema text, testing_table text)
returns text
language sql
as $$
  select ok(
    coalesce((
      select c.relrowsecurity
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where n.nspname = testing_schema and c.relname = testing_table and c.relkind in ('r', 'p')
    ), false),
    testing_schema || '.' || testing_table || ' should have row level security enabled'
  );
$$;

-- tests.toast_chunks(table): the number of chunks in a table's TOAST relation (the storage checks
-- of the memory tables count them before and after an insert).
create or replace function tests.toast_chunks(rel regclass)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  n bigint;
begin
  execute pg_catalog.format('select count(*) from %s',
    (select c.reltoastrelid::regclass from pg_catalog.pg_class c where c.oid = rel)) into n;
  return n;
end;
$$;

-- Only the test roles call these; nobody else needs them.
revoke all on all functions in schema tests from public;
grant execute on all functions in schema tests to anon, authenticated, service_role;

commit;

-- The assertion runs in its own rolled-back transaction: pgTAP keeps its plan in temp tables, and an
-- embedded runner executes every file in one session (pg_prove opens one per file).
begin;
select plan(1);
select ok(
  to_regprocedure('tests.get_supabase_uid(text)') is not null
    and to_regprocedure('tests.authenticate_as(text)') is not null
    and to_regprocedure('tests.rls_enabled(text,text)') is not null,
  'the tests schema and its helpers are installed'
);
select * from finish();
rollback;

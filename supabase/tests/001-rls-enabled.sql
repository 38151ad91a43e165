-- Row level security is on everywhere (splinter 0013), `anon` has no privilege on any of our
-- tables, and every policy is written `to authenticated` with `(select auth.uid())` (splinter
-- 0003/0006). The table list is pinned, so a new table fails here until it is added (and covered
-- by a matrix file).
begin;
select plan(47);

select tables_are('public', array[
  'trips', 'trip_collaborators', 'flights', 'accommodations',
  'transportation', 'itinerary_items', 'chat_sessions', 'chat_messages',
  'chat_tool_calls', 'memories', 'session_memories', 'memory_events', 'api_keys',
  'file_attachments', 'search_destinations', 'search_flights', 'search_hotels',
  'search_activities'
],
  'public holds exactly the TripSage tables');
select tests.rls_enabled('public');
select tests.rls_enabled('public', 'trips');
select tests.rls_enabled('public', 'trip_collaborators');
select tests.rls_enabled('public', 'flights');
select tests.rls_enabled('public', 'accommodations');
select tests.rls_enabled('public', 'transportation');
select tests.rls_enabled('public', 'itinerary_items');
select tests.rls_enabled('public', 'chat_sessions');
select tests.rls_enabled('public', 'chat_messages');
select tests.rls_enabled('public', 'chat_tool_calls');
select tests.rls_enabled('public', 'memories');
select tests.rls_enabled('public', 'session_memories');
select tests.rls_enabled('public', 'memory_events');
select tests.rls_enabled('public', 'api_keys');
select tests.rls_enabled('public', 'file_attachments');
select tests.rls_enabled('public', 'search_destinations');
select tests.rls_enabled('public', 'search_flights');
select tests.rls_enabled('public', 'search_hotels');
select tests.rls_enabled('public', 'search_activities');
select tests.rls_enabled('storage', 'objects');
select tests.rls_enabled('realtime', 'messages');
select table_privs_are('public', 'trips', 'anon', array[]::text[], 'anon has no privilege on public.trips');
select table_privs_are('public', 'trip_collaborators', 'anon', array[]::text[], 'anon has no privilege on public.trip_collaborators');
select table_privs_are('public', 'flights', 'anon', array[]::text[], 'anon has no privilege on public.flights');
select table_privs_are('public', 'accommodations', 'anon', array[]::text[], 'anon has no privilege on public.accommodations');
select table_privs_are('public', 'transportation', 'anon', array[]::text[], 'anon has no privilege on public.transportation');
select table_privs_are('public', 'itinerary_items', 'anon', array[]::text[], 'anon has no privilege on public.itinerary_items');
select table_privs_are('public', 'chat_sessions', 'anon', array[]::text[], 'anon has no privilege on public.chat_sessions');
select table_privs_are('public', 'chat_messages', 'anon', array[]::text[], 'anon has no privilege on public.chat_messages');
select table_privs_are('public', 'chat_tool_calls', 'anon', array[]::text[], 'anon has no privilege on public.chat_tool_calls');
select table_privs_are('public', 'memories', 'anon', array[]::text[], 'anon has no privilege on public.memories');
select table_privs_are('public', 'session_memories', 'anon', array[]::text[], 'anon has no privilege on public.session_memories');
select table_privs_are('public', 'memory_events', 'anon', array[]::text[], 'anon has no privilege on public.memory_events');
select table_privs_are('public', 'api_keys', 'anon', array[]::text[], 'anon has no privilege on public.api_keys');
select table_privs_are('public', 'file_attachments', 'anon', array[]::text[], 'anon has no privilege on public.file_attachments');
select table_privs_are('public', 'search_destinations', 'anon', array[]::text[], 'anon has no privilege on public.search_destinations');
select table_privs_are('public', 'search_flights', 'anon', array[]::text[], 'anon has no privilege on public.search_flights');
select table_privs_are('public', 'search_hotels', 'anon', array[]::text[], 'anon has no privilege on public.search_hotels');
select table_privs_are('public', 'search_activities', 'anon', array[]::text[], 'anon has no privilege on public.search_activities');

-- ---------------------------------------------------------------------------------------------
-- catalog-wide
-- ---------------------------------------------------------------------------------------------
select is_empty($$
  select c.relname::text from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public'
     and case when c.relkind = 'S' then pg_catalog.has_sequence_privilege('anon', c.oid, 'USAGE,SELECT,UPDATE') else false end$$,
  'anon has no privilege on any sequence in public');
select is_empty($$
  select c.relname::text from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind in ('r', 'p')
     and (pg_catalog.has_table_privilege('authenticated', c.oid, 'TRUNCATE')
          or pg_catalog.has_table_privilege('anon', c.oid, 'TRUNCATE'))$$,
  'no API role can TRUNCATE a public table (TRUNCATE ignores RLS)');
select is_empty($$
  select c.relname::text from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind in ('r', 'p')
     and not exists (select 1 from pg_catalog.pg_policies p where p.schemaname = 'public' and p.tablename = c.relname)$$,
  'every public table has at least one policy');
select is_empty($$
  select tablename || '.' || policyname from pg_catalog.pg_policies
   where schemaname in ('public', 'storage', 'realtime') and roles <> array['authenticated']::name[]$$,
  'every policy on public, storage and realtime is TO authenticated only');
select is_empty($$
  select schemaname || '.' || tablename || '.' || policyname from pg_catalog.pg_policies
   where schemaname in ('public', 'storage', 'realtime')
     and pg_catalog.regexp_count(coalesce(qual, '') || ' ' || coalesce(with_check, ''), 'auth\.(uid|jwt|role)\(\)')
      <> pg_catalog.regexp_count(coalesce(qual, '') || ' ' || coalesce(with_check, ''), 'SELECT \(?auth\.(uid|jwt|role)\(\)')$$,
  'every auth.uid() / auth.jwt() / auth.role() call in a policy is wrapped in (select …) for an initPlan');
select is_empty($$
  select p.tablename || '.' || p.policyname from pg_catalog.pg_policies p
   where p.schemaname = 'public' and p.permissive = 'PERMISSIVE'
     and (p.qual = 'true' or p.with_check = 'true')$$,
  'no public policy is a blanket USING (true) / WITH CHECK (true)');
select is_empty($$
  select c.relname::text from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind in ('v', 'm')
     and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_class'::regclass
                       and d.objid = c.oid and d.deptype = 'e')$$,
  'public has no views that could bypass RLS');

select * from finish();
rollback;

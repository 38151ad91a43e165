-- Schema conventions from docs/data-model.md, checked across every public table: uuid ids,
-- created_at/updated_at with the shared trigger, text+CHECK enumerations, owners that reference
-- auth.users and go away with the user (deleting an account leaves none of its rows behind).
-- The append-only memory_events has no updated_at: its rows never change (a trigger refuses it).
begin;
select plan(8);

select is_empty($$
  select c.relname::text
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind = 'r'
     and not exists (
       select 1
         from pg_catalog.pg_constraint k
         join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum = k.conkey[1]
         left join pg_catalog.pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
        where k.conrelid = c.oid and k.contype = 'p' and cardinality(k.conkey) = 1
          and a.attname = 'id' and a.atttypid = 'uuid'::regtype
          and pg_catalog.pg_get_expr(d.adbin, d.adrelid) = 'gen_random_uuid()'
     )$$,
  'every public table has an id uuid primary key defaulting to gen_random_uuid()');

select is_empty($$
  select c.relname || '.' || col
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   cross join (values ('created_at'), ('updated_at')) v(col)
   where n.nspname = 'public' and c.relkind = 'r'
     and not (c.relname = 'memory_events' and v.col = 'updated_at')
     and not exists (
       select 1
         from pg_catalog.pg_attribute a
         join pg_catalog.pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
        where a.attrelid = c.oid and a.attname = v.col and a.attnotnull
          and a.atttypid = 'timestamptz'::regtype
          and pg_catalog.pg_get_expr(d.adbin, d.adrelid) = 'now()'
     )$$,
  'every public table has created_at and updated_at timestamptz not null default now()');

select is_empty($$
  select c.relname::text
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind = 'r' and c.relname <> 'memory_events'
     and not exists (
       select 1 from pg_catalog.pg_trigger t
        where t.tgrelid = c.oid and not t.tgisinternal
          and t.tgfoid = 'private.set_updated_at()'::regprocedure
          and t.tgtype & 1 = 1      -- row level
          and t.tgtype & 2 = 2      -- before
          and t.tgtype & 16 = 16    -- update
     )$$,
  'every public table has a BEFORE UPDATE row trigger calling private.set_updated_at()');

select is_empty($$
  select c.relname::text
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attname = 'user_id' and not a.attisdropped
   where n.nspname = 'public' and c.relkind = 'r'
     and not (
       a.attnotnull
       and exists (
         select 1 from pg_catalog.pg_constraint k
          where k.conrelid = c.oid and k.contype = 'f' and k.conkey = array[a.attnum]
            and k.confrelid = 'auth.users'::regclass and k.confdeltype = 'c'
       )
     )$$,
  'every user_id is not null and references auth.users on delete cascade');

select is_empty($$
  select t.typname::text from pg_catalog.pg_type t
   where t.typnamespace = 'public'::regnamespace and t.typtype = 'e'$$,
  'enumerations are text columns with CHECK constraints, not enum types');

select is_empty($$
  select c.relname::text
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind = 'r'
     and not exists (select 1 from pg_catalog.pg_attribute a
                      where a.attrelid = c.oid and a.attname in ('user_id', 'trip_id') and not a.attisdropped)$$,
  'every public table is owned by a user or belongs to a trip');

-- ---------------------------------------------------------------------------------------------
-- deleting an account removes every row it owns (and its memberships in other users' trips)
-- ---------------------------------------------------------------------------------------------
select tests.create_supabase_user('leaving_user');
select tests.create_supabase_user('staying_user');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values
  ('a1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('leaving_user'), 'Mine', 'Here', '2026-01-01', '2026-01-02'),
  ('a1000000-0000-4000-8000-0000000000c2', tests.get_supabase_uid('staying_user'), 'Theirs', 'There', '2026-01-01', '2026-01-02');
insert into public.trip_collaborators (trip_id, user_id, role, invited_by)
values ('a1000000-0000-4000-8000-0000000000c2', tests.get_supabase_uid('leaving_user'), 'editor', tests.get_supabase_uid('staying_user'));
insert into public.trip_collaborators (trip_id, user_id, role, invited_by)
values ('a1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('staying_user'), 'viewer', tests.get_supabase_uid('leaving_user'));
insert into public.flights (trip_id, origin, destination, departure_date, price)
values ('a1000000-0000-4000-8000-0000000000c1', 'A', 'B', '2026-01-01', 1);
insert into public.chat_sessions (id, user_id, trip_id)
values ('d1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('leaving_user'), 'a1000000-0000-4000-8000-0000000000c2');
insert into public.chat_messages (id, session_id, user_id, role, content)
values ('d2000000-0000-4000-8000-0000000000c1', 'd1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('leaving_user'), 'user', 'hi');
insert into public.chat_tool_calls (session_id, user_id, tool_name)
values ('d1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('leaving_user'), 'tool');
insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
values (tests.get_supabase_uid('leaving_user'), 'm', encode(sha256('m'), 'hex'), array_fill(0.01::real, array[1536])::extensions.vector, 'local');
update public.memories set content = 'm2' where user_id = tests.get_supabase_uid('leaving_user');
insert into public.session_memories (session_id, user_id, content, content_hash, embedding, embedding_model)
values ('d1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('leaving_user'), 'm', encode(sha256('m'), 'hex'),
        array_fill(0.01::real, array[1536])::extensions.vector, 'local');
insert into public.api_keys (user_id, service, vault_secret_name)
values (tests.get_supabase_uid('leaving_user'), 'openai', 'api_key:' || tests.get_supabase_uid('leaving_user')::text || ':openai');
insert into public.file_attachments (user_id, filename, original_filename, file_size, mime_type, file_path)
values (tests.get_supabase_uid('leaving_user'), 'a.txt', 'a.txt', 1, 'text/plain', tests.get_supabase_uid('leaving_user')::text || '/a.txt');
insert into public.search_destinations (user_id, query_hash, query, results, expires_at)
values (tests.get_supabase_uid('leaving_user'), encode(sha256('q'), 'hex'), '{}', '[]', now() + interval '1 hour');
insert into public.search_flights (user_id, query_hash, query, results, expires_at)
values (tests.get_supabase_uid('leaving_user'), encode(sha256('q'), 'hex'), '{}', '[]', now() + interval '1 hour');
insert into public.search_hotels (user_id, query_hash, query, results, expires_at)
values (tests.get_supabase_uid('leaving_user'), encode(sha256('q'), 'hex'), '{}', '[]', now() + interval '1 hour');
insert into public.search_activities (user_id, query_hash, query, results, expires_at)
values (tests.get_supabase_uid('leaving_user'), encode(sha256('q'), 'hex'), '{}', '[]', now() + interval '1 hour');

-- remember the id, then delete the account
create temporary table leaving (id uuid) on commit drop;
insert into leaving select tests.get_supabase_uid('leaving_user');
delete from auth.users where id = (select id from leaving);

select is_empty($$
  select 'trips' from public.trips where user_id = (select id from leaving)
  union all select 'trip_collaborators' from public.trip_collaborators where user_id = (select id from leaving)
  union all select 'flights' from public.flights where trip_id = 'a1000000-0000-4000-8000-0000000000c1'
  union all select 'chat_sessions' from public.chat_sessions where user_id = (select id from leaving)
  union all select 'chat_messages' from public.chat_messages where user_id = (select id from leaving)
  union all select 'chat_tool_calls' from public.chat_tool_calls where user_id = (select id from leaving)
  union all select 'memories' from public.memories where user_id = (select id from leaving)
  union all select 'session_memories' from public.session_memories where user_id = (select id from leaving)
  union all select 'memory_events' from public.memory_events where user_id = (select id from leaving)
  union all select 'api_keys' from public.api_keys where user_id = (select id from leaving)
  union all select 'file_attachments' from public.file_attachments where user_id = (select id from leaving)
  union all select 'search_destinations' from public.search_destinations where user_id = (select id from leaving)
  union all select 'search_flights' from public.search_flights where user_id = (select id from leaving)
  union all select 'search_hotels' from public.search_hotels where user_id = (select id from leaving)
  union all select 'search_activities' from public.search_activities where user_id = (select id from leaving)$$,
  'deleting a user deletes every row they own, their trips'' items and their memberships');

select results_eq($$select count(*)::int from public.trips where id = 'a1000000-0000-4000-8000-0000000000c2'$$,
  array[1], 'deleting a user keeps the trips of others they collaborated on');

select * from finish();
rollback;

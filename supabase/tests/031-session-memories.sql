-- public.session_memories: owner-only access even when the session is readable through a trip
-- (owner / trip viewer / another user / anon / service_role × select / insert / update / delete),
-- the session-ownership check on insert, dedup keys, cascade and the recall indexes.
--
-- Trip a1…71 (sm_owner; sm_viewer viewer). Sessions d1…71 (sm_owner, linked to the trip) and
-- d1…79 (stranger). Session memories e2…71 (sm_owner, in d1…71) and e2…79 (stranger, in d1…79).
begin;
select plan(36);

select tests.create_supabase_user('sm_owner');
select tests.create_supabase_user('sm_viewer');
select tests.create_supabase_user('stranger');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values ('a1000000-0000-4000-8000-000000000071', tests.get_supabase_uid('sm_owner'), 'Lima', 'Lima, PE', '2026-09-01', '2026-09-10');
insert into public.trip_collaborators (trip_id, user_id, role)
values ('a1000000-0000-4000-8000-000000000071', tests.get_supabase_uid('sm_viewer'), 'viewer');

insert into public.chat_sessions (id, user_id, trip_id)
values
  ('d1000000-0000-4000-8000-000000000071', tests.get_supabase_uid('sm_owner'), 'a1000000-0000-4000-8000-000000000071'),
  ('d1000000-0000-4000-8000-000000000079', tests.get_supabase_uid('stranger'), null);

insert into public.session_memories (id, session_id, user_id, content, content_hash, embedding, embedding_model, source_message_id)
values
  ('e2000000-0000-4000-8000-000000000071', 'd1000000-0000-4000-8000-000000000071', tests.get_supabase_uid('sm_owner'),
   'Wants a ceviche class', encode(sha256('Wants a ceviche class'), 'hex'),
   array_fill(0.01::real, array[1536])::extensions.vector, 'local', 'd2000000-0000-4000-8000-000000000171'),
  ('e2000000-0000-4000-8000-000000000079', 'd1000000-0000-4000-8000-000000000079', tests.get_supabase_uid('stranger'),
   'Stranger memory', encode(sha256('Stranger memory'), 'hex'),
   array_fill(0.02::real, array[1536])::extensions.vector, 'local', null);

-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('sm_owner');
select set_eq($$select id from public.session_memories$$, array['e2000000-0000-4000-8000-000000000071']::uuid[],
  'select: the owner sees exactly their session memories');

select tests.authenticate_as('sm_viewer');
select isnt_empty($$select 1 from public.chat_sessions where id = 'd1000000-0000-4000-8000-000000000071'$$,
  'select: the trip viewer can read the linked session itself');
select is_empty($$select 1 from public.session_memories$$,
  'select: but a trip viewer sees none of the session''s memories (owner-only)');

select tests.authenticate_as('stranger');
select set_eq($$select id from public.session_memories$$, array['e2000000-0000-4000-8000-000000000079']::uuid[],
  'select: another user sees only their own session memories');

select tests.clear_authentication();
select throws_ok($$select id from public.session_memories$$, '42501', null, 'select: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.session_memories
  where id in ('e2000000-0000-4000-8000-000000000071', 'e2000000-0000-4000-8000-000000000079')$$,
  array[2], 'select: service_role sees every session memory');

-- ---------------------------------------------------------------------------------------------
-- insert
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('sm_owner');
select lives_ok($$insert into public.session_memories (id, session_id, user_id, content, content_hash, embedding, embedding_model)
  values ('e2000000-0000-4000-8000-000000000072', 'd1000000-0000-4000-8000-000000000071', tests.get_supabase_uid('sm_owner'),
          'Likes Miraflores', encode(sha256('Likes Miraflores'), 'hex'), array_fill(0.03::real, array[1536])::extensions.vector, 'local')$$,
  'insert: the owner adds a memory to their session');

select throws_ok($$insert into public.session_memories (session_id, user_id, content, content_hash, embedding, embedding_model)
  values ('d1000000-0000-4000-8000-000000000079', tests.get_supabase_uid('sm_owner'),
          'Planted', encode(sha256('Planted'), 'hex'), array_fill(0.03::real, array[1536])::extensions.vector, 'local')$$,
  '42501', null, 'insert: the owner cannot attach a memory to another user''s session');

select tests.authenticate_as('sm_viewer');
select throws_ok($$insert into public.session_memories (session_id, user_id, content, content_hash, embedding, embedding_model)
  values ('d1000000-0000-4000-8000-000000000071', tests.get_supabase_uid('sm_viewer'),
          'Viewer note', encode(sha256('Viewer note'), 'hex'), array_fill(0.03::real, array[1536])::extensions.vector, 'local')$$,
  '42501', null, 'insert: a trip viewer cannot add memories to the owner''s session');

select tests.authenticate_as('stranger');
select throws_ok($$insert into public.session_memories (session_id, user_id, content, content_hash, embedding, embedding_model)
  values ('d1000000-0000-4000-8000-000000000071', tests.get_supabase_uid('sm_owner'),
          'Forged', encode(sha256('Forged'), 'hex'), array_fill(0.03::real, array[1536])::extensions.vector, 'local')$$,
  '42501', null, 'insert: another user cannot write a memory naming the owner');

select tests.clear_authentication();
select throws_ok($$insert into public.session_memories (session_id, user_id, content, content_hash, embedding, embedding_model)
  values ('d1000000-0000-4000-8000-000000000071', tests.get_supabase_uid('sm_owner'),
          'Anon', encode(sha256('Anon'), 'hex'), array_fill(0.03::real, array[1536])::extensions.vector, 'local')$$,
  '42501', null, 'insert: anon has no privilege');

select tests.authenticate_as_service_role();
select lives_ok($$insert into public.session_memories (id, session_id, user_id, content, content_hash, embedding, embedding_model)
  values ('e2000000-0000-4000-8000-000000000073', 'd1000000-0000-4000-8000-000000000071', tests.get_supabase_uid('sm_owner'),
          'Synced by job', encode(sha256('Synced by job'), 'hex'), array_fill(0.04::real, array[1536])::extensions.vector, 'local')$$,
  'insert: service_role (the memory-sync job) adds a session memory');

-- ---------------------------------------------------------------------------------------------
-- update
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('sm_owner');
select results_eq($$update public.session_memories set importance = 0.8
  where id = 'e2000000-0000-4000-8000-000000000071' returning 1$$, array[1],
  'update: the owner updates their session memory');

select throws_ok($$update public.session_memories set session_id = 'd1000000-0000-4000-8000-000000000079'
  where id = 'e2000000-0000-4000-8000-000000000071'$$, '42501', null,
  'update: the owner cannot move a memory into another user''s session');

select tests.authenticate_as('sm_viewer');
select is_empty($$update public.session_memories set importance = 0
  where id = 'e2000000-0000-4000-8000-000000000071' returning 1$$,
  'update: a trip viewer updates nothing');

select tests.authenticate_as('stranger');
select is_empty($$update public.session_memories set importance = 0
  where id = 'e2000000-0000-4000-8000-000000000071' returning 1$$,
  'update: another user updates nothing');

select tests.clear_authentication();
select throws_ok($$update public.session_memories set importance = 0$$, '42501', null, 'update: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$update public.session_memories set importance = 0.1
  where id = 'e2000000-0000-4000-8000-000000000079' returning 1$$, array[1],
  'update: service_role updates any session memory');

-- ---------------------------------------------------------------------------------------------
-- dedup keys
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('sm_owner');
select throws_ok($$insert into public.session_memories (session_id, user_id, content, content_hash, embedding, embedding_model)
  values ('d1000000-0000-4000-8000-000000000071', tests.get_supabase_uid('sm_owner'),
          'Wants a ceviche class', encode(sha256('Wants a ceviche class'), 'hex'), array_fill(0.01::real, array[1536])::extensions.vector, 'local')$$,
  '23505', null, 'dedup: the same content hash is stored once per session');

select throws_ok($$insert into public.session_memories (session_id, user_id, content, content_hash, embedding, embedding_model, source_message_id)
  values ('d1000000-0000-4000-8000-000000000071', tests.get_supabase_uid('sm_owner'),
          'Redelivered', encode(sha256('Redelivered'), 'hex'), array_fill(0.01::real, array[1536])::extensions.vector, 'local',
          'd2000000-0000-4000-8000-000000000171')$$,
  '23505', null, 'dedup: a source message is turned into a memory once per user');

-- ---------------------------------------------------------------------------------------------
-- delete
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('sm_viewer');
select is_empty($$delete from public.session_memories where id = 'e2000000-0000-4000-8000-000000000071' returning 1$$,
  'delete: a trip viewer deletes nothing');

select tests.authenticate_as('stranger');
select is_empty($$delete from public.session_memories where id = 'e2000000-0000-4000-8000-000000000071' returning 1$$,
  'delete: another user deletes nothing');

select tests.clear_authentication();
select throws_ok($$delete from public.session_memories$$, '42501', null, 'delete: anon has no privilege');

select tests.authenticate_as('sm_owner');
select results_eq($$delete from public.session_memories where id = 'e2000000-0000-4000-8000-000000000072' returning 1$$,
  array[1], 'delete: the owner deletes their session memory');

select tests.authenticate_as_service_role();
select results_eq($$delete from public.session_memories where id = 'e2000000-0000-4000-8000-000000000079' returning 1$$,
  array[1], 'delete: service_role deletes any session memory');

-- cascade
select tests.authenticate_as('sm_owner');
delete from public.chat_sessions where id = 'd1000000-0000-4000-8000-000000000071';
select tests.authenticate_as_service_role();
select is_empty($$select 1 from public.session_memories where session_id = 'd1000000-0000-4000-8000-000000000071'$$,
  'cascade: deleting the session deletes its memories');

-- ---------------------------------------------------------------------------------------------
-- recall indexes
-- ---------------------------------------------------------------------------------------------
select is(
  (select count(*)::int
     from pg_catalog.pg_index i
     join pg_catalog.pg_class ic on ic.oid = i.indexrelid
     join pg_catalog.pg_am am on am.oid = ic.relam
     join pg_catalog.pg_opclass oc on oc.oid = i.indclass[0]
     join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
    where i.indrelid = 'public.session_memories'::regclass
      and am.amname = 'hnsw' and oc.opcname = 'vector_cosine_ops' and a.attname = 'embedding'
      and ic.reloptions @> array['m=8', 'ef_construction=80']),
  1, 'index: session_memories has an HNSW cosine index on embedding with m = 8, ef_construction = 80 (migrations 20261206060000, 20261206080000)');
select is(
  (select count(*)::int
     from pg_catalog.pg_index i
     join pg_catalog.pg_class ic on ic.oid = i.indexrelid
     join pg_catalog.pg_am am on am.oid = ic.relam
    where i.indrelid = 'public.session_memories'::regclass and am.amname = 'hnsw'),
  1, 'index: session_memories has exactly one HNSW index (no halfvec or other vector index beside it; decision 0009)');

select is(
  (select count(*)::int from pg_catalog.pg_indexes
    where schemaname = 'public' and tablename = 'session_memories' and indexdef ilike '%using gin (content_tsv)%'),
  1, 'index: session_memories has a GIN index on content_tsv');

select is(
  (select count(*)::int from pg_catalog.pg_indexes
    where schemaname = 'public' and tablename = 'session_memories' and indexdef ilike '%using gin (metadata jsonb_path_ops)%'),
  1, 'index: session_memories has a GIN jsonb_path_ops index on metadata');

select is(
  (select count(*)::int from pg_catalog.pg_indexes
    where schemaname = 'public' and tablename = 'session_memories'
      and indexdef ilike '%using btree (session_id, created_at desc, id desc)'),
  1, 'index: session_memories has a B-tree in a session''s memory.list order (session_id, created_at desc, id desc; migration 20261206100000)');

-- ---------------------------------------------------------------------------------------------
-- storage: the embedding in TOAST, pgvector's default (migration 20261206090000, decision 0019;
-- it was kept in the heap row from 20261206070000, decision 0018)
-- ---------------------------------------------------------------------------------------------
reset role;
select is(
  (select attstorage::text from pg_catalog.pg_attribute
    where attrelid = 'public.session_memories'::regclass and attname = 'embedding'),
  'e', 'storage: session_memories.embedding is STORAGE external (pgvector''s default: the vector goes to TOAST, a heap page holds many rows)');
select ok(
  (select coalesce(not reloptions::text ilike '%toast_tuple_target%', true) from pg_catalog.pg_class where oid = 'public.session_memories'::regclass),
  'storage: session_memories has the default toast_tuple_target (decision 0018''s 8160 is reset)');
insert into public.chat_sessions (id, user_id) values ('d1000000-0000-4000-8000-000000000072', tests.get_supabase_uid('sm_owner'));
create temporary table sm_toast_before on commit drop as select tests.toast_chunks('public.session_memories') as n;
insert into public.session_memories (session_id, user_id, content, content_hash, embedding, embedding_model)
values ('d1000000-0000-4000-8000-000000000072', tests.get_supabase_uid('sm_owner'), 'Short and inline',
        encode(sha256('Short and inline'), 'hex'),
        (select array_agg(0.001 * i)::real[] from generate_series(1, 1536) i)::extensions.vector, 'local');
select cmp_ok(tests.toast_chunks('public.session_memories'), '>', (select n from sm_toast_before),
  'storage: a session memory with short content writes its 6 kB embedding to TOAST (the heap tuple stays small)');
-- 248 md5 words (8 183 characters, incompressible) and ~100 kB of metadata: the worst row the
-- CHECKs allow still stores (content, metadata, the tsvector and the vector all move to TOAST).
select lives_ok($$insert into public.session_memories (session_id, user_id, content, content_hash, embedding, embedding_model, metadata)
  values ('d1000000-0000-4000-8000-000000000072', tests.get_supabase_uid('sm_owner'), (select string_agg(md5(i::text), ' ') from generate_series(1, 248) i),
          encode(sha256('long-session_memories'), 'hex'), array_fill(0.04::real, array[1536])::extensions.vector, 'local', (select jsonb_object_agg('k' || i, md5(i::text) || md5((i + 1)::text)) from generate_series(1, 1400) i))$$,
  'storage: a session memory with 8 183 incompressible characters of content and ~100 kB of metadata still inserts');
select results_eq($$select char_length(content), pg_catalog.pg_column_size(metadata) > 50000, extensions.vector_dims(embedding)
    from public.session_memories where content_hash = encode(sha256('long-session_memories'), 'hex')$$,
  $$values (8183, true, 1536)$$, 'storage: the long row reads back whole');

select * from finish();
rollback;

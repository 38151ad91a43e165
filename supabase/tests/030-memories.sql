-- public.memories: owner-only access (owner / another user / anon / service_role × select /
-- insert / update / delete), dedup by content hash, the generated tsvector, the CHECKs and the
-- recall indexes (HNSW cosine m=8 ef_construction=80, GIN on content_tsv and metadata), the
-- listing index and the embedding's storage (pgvector's default, external: in TOAST).
--
-- e1…01 belongs to mem_owner, e1…09 to stranger.
begin;
select plan(37);

select tests.create_supabase_user('mem_owner');
select tests.create_supabase_user('stranger');

insert into public.memories (id, user_id, memory_type, content, content_hash, embedding, embedding_model)
values
  ('e1000000-0000-4000-8000-000000000001', tests.get_supabase_uid('mem_owner'), 'user_preference',
   'Prefers aisle seats on long flights', encode(sha256('Prefers aisle seats on long flights'), 'hex'),
   array_fill(0.01::real, array[1536])::extensions.vector, 'text-embedding-3-small'),
  ('e1000000-0000-4000-8000-000000000009', tests.get_supabase_uid('stranger'), 'trip_history',
   'Visited Oslo in July', encode(sha256('Visited Oslo in July'), 'hex'),
   array_fill(0.02::real, array[1536])::extensions.vector, 'text-embedding-3-small');

-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('mem_owner');
select set_eq($$select id from public.memories$$, array['e1000000-0000-4000-8000-000000000001']::uuid[],
  'select: the owner sees exactly their memories');

select tests.authenticate_as('stranger');
select set_eq($$select id from public.memories$$, array['e1000000-0000-4000-8000-000000000009']::uuid[],
  'select: another user sees only their own memories');

select tests.clear_authentication();
select throws_ok($$select id from public.memories$$, '42501', null, 'select: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.memories
  where id in ('e1000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000009')$$,
  array[2], 'select: service_role sees every memory');

-- ---------------------------------------------------------------------------------------------
-- insert
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('mem_owner');
select lives_ok($$insert into public.memories (id, user_id, content, content_hash, embedding, embedding_model)
  values ('e1000000-0000-4000-8000-000000000002', tests.get_supabase_uid('mem_owner'), 'Vegetarian',
          encode(sha256('Vegetarian'), 'hex'), array_fill(0.03::real, array[1536])::extensions.vector, 'local')$$,
  'insert: the owner adds a memory');

select tests.authenticate_as('stranger');
select throws_ok($$insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
  values (tests.get_supabase_uid('mem_owner'), 'Planted', encode(sha256('Planted'), 'hex'),
          array_fill(0.03::real, array[1536])::extensions.vector, 'local')$$,
  '42501', null, 'insert: another user cannot write a memory naming the owner');

select tests.clear_authentication();
select throws_ok($$insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
  values (tests.get_supabase_uid('mem_owner'), 'Anon', encode(sha256('Anon'), 'hex'),
          array_fill(0.03::real, array[1536])::extensions.vector, 'local')$$,
  '42501', null, 'insert: anon has no privilege');

select tests.authenticate_as_service_role();
select lives_ok($$insert into public.memories (id, user_id, content, content_hash, embedding, embedding_model)
  values ('e1000000-0000-4000-8000-000000000003', tests.get_supabase_uid('mem_owner'), 'Travels with a dog',
          encode(sha256('Travels with a dog'), 'hex'), array_fill(0.04::real, array[1536])::extensions.vector, 'local')$$,
  'insert: service_role adds a memory for any user');

-- ---------------------------------------------------------------------------------------------
-- update
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('mem_owner');
select results_eq($$update public.memories set importance = 0.9
  where id = 'e1000000-0000-4000-8000-000000000001' returning 1$$, array[1],
  'update: the owner updates their memory');

select throws_ok($$update public.memories set user_id = tests.get_supabase_uid('stranger')
  where id = 'e1000000-0000-4000-8000-000000000001'$$, '42501', null,
  'update: the owner cannot hand a memory to another user');

select tests.authenticate_as('stranger');
select is_empty($$update public.memories set importance = 0
  where id = 'e1000000-0000-4000-8000-000000000001' returning 1$$,
  'update: another user updates nothing');

select tests.clear_authentication();
select throws_ok($$update public.memories set importance = 0$$, '42501', null, 'update: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$update public.memories set expires_at = now() + interval '30 days'
  where id = 'e1000000-0000-4000-8000-000000000009' returning 1$$, array[1],
  'update: service_role updates any memory');

select results_eq($$select importance from public.memories where id = 'e1000000-0000-4000-8000-000000000001'$$,
  array[0.9::real], 'update: the stranger''s update left the owner''s memory unchanged');

-- ---------------------------------------------------------------------------------------------
-- dedup, generated tsvector, vector recall, constraints (as the owner)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('mem_owner');
select throws_ok($$insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
  values (tests.get_supabase_uid('mem_owner'), 'Prefers aisle seats on long flights',
          encode(sha256('Prefers aisle seats on long flights'), 'hex'),
          array_fill(0.01::real, array[1536])::extensions.vector, 'local')$$,
  '23505', null, 'dedup: the same content hash is stored once per user');

select results_eq($$select content_tsv @@ to_tsquery('english', 'aisle & flight') from public.memories
  where id = 'e1000000-0000-4000-8000-000000000001'$$, array[true],
  'content_tsv: the stored tsvector is generated from content');

-- The fill vectors all point the same way: e1…01, e1…03 (the owner's) and e1…09 (the stranger's)
-- tie at distance 0, so ties are broken by id (the order of tied rows is the heap's, which moves
-- with updates and storage settings).
select results_eq($$select id from public.memories
  order by embedding operator(extensions.<=>) array_fill(0.01::real, array[1536])::extensions.vector, id desc limit 2$$,
  array['e1000000-0000-4000-8000-000000000003'::uuid, 'e1000000-0000-4000-8000-000000000001'::uuid],
  'recall: cosine ordering returns the owner''s nearest memories, never another user''s');

select throws_ok($$insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
  values (tests.get_supabase_uid('mem_owner'), 'x', 'not-a-hash', array_fill(0.01::real, array[1536])::extensions.vector, 'local')$$,
  '23514', null, 'check: content_hash is sha256 hex');
select throws_ok($$insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
  values (tests.get_supabase_uid('mem_owner'), '', encode(sha256(''), 'hex'), array_fill(0.01::real, array[1536])::extensions.vector, 'local')$$,
  '23514', null, 'check: content is not empty');
select throws_ok($$update public.memories set importance = 1.5 where id = 'e1000000-0000-4000-8000-000000000001'$$,
  '23514', null, 'check: importance is between 0 and 1');
select throws_ok($$update public.memories set memory_type = 'gossip' where id = 'e1000000-0000-4000-8000-000000000001'$$,
  '23514', null, 'check: memory_type is one of the enumerated values');
select throws_ok($$insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
  values (tests.get_supabase_uid('mem_owner'), 'short', encode(sha256('short'), 'hex'), '[1,2,3]'::extensions.vector, 'local')$$,
  '22000', null, 'check: the embedding has 1536 dimensions');

-- ---------------------------------------------------------------------------------------------
-- delete
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$delete from public.memories where id = 'e1000000-0000-4000-8000-000000000001' returning 1$$,
  'delete: another user deletes nothing');

select tests.clear_authentication();
select throws_ok($$delete from public.memories$$, '42501', null, 'delete: anon has no privilege');

select tests.authenticate_as('mem_owner');
select results_eq($$delete from public.memories where id = 'e1000000-0000-4000-8000-000000000002' returning 1$$,
  array[1], 'delete: the owner forgets a memory');

select tests.authenticate_as_service_role();
select results_eq($$delete from public.memories where id = 'e1000000-0000-4000-8000-000000000009' returning 1$$,
  array[1], 'delete: service_role deletes any memory');

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
    where i.indrelid = 'public.memories'::regclass
      and am.amname = 'hnsw' and oc.opcname = 'vector_cosine_ops' and a.attname = 'embedding'
      and ic.reloptions @> array['m=8', 'ef_construction=80']),
  1, 'index: memories has an HNSW cosine index on embedding with m = 8, ef_construction = 80 (migrations 20261206060000, 20261206080000)');
select is(
  (select count(*)::int
     from pg_catalog.pg_index i
     join pg_catalog.pg_class ic on ic.oid = i.indexrelid
     join pg_catalog.pg_am am on am.oid = ic.relam
    where i.indrelid = 'public.memories'::regclass and am.amname = 'hnsw'),
  1, 'index: memories has exactly one HNSW index (no halfvec or other vector index beside it; decision 0009)');

select is(
  (select count(*)::int from pg_catalog.pg_indexes
    where schemaname = 'public' and tablename = 'memories' and indexdef ilike '%using gin (content_tsv)%'),
  1, 'index: memories has a GIN index on content_tsv');

select is(
  (select count(*)::int from pg_catalog.pg_indexes
    where schemaname = 'public' and tablename = 'memories' and indexdef ilike '%using gin (metadata jsonb_path_ops)%'),
  1, 'index: memories has a GIN jsonb_path_ops index on metadata');

select ok(
  exists (select 1 from pg_catalog.pg_indexes
           where schemaname = 'public' and tablename = 'memories' and indexdef ilike '%(user_id%'),
  'index: memories has an index led by user_id (the policy column)');

select is(
  (select count(*)::int from pg_catalog.pg_indexes
    where schemaname = 'public' and tablename = 'memories'
      and indexdef ilike '%using btree (user_id, created_at desc, id desc)'),
  1, 'index: memories has a B-tree in memory.list''s keyset order (user_id, created_at desc, id desc; migration 20261206100000)');

-- ---------------------------------------------------------------------------------------------
-- storage: the embedding in TOAST, pgvector's default (migration 20261206090000, decision 0019;
-- it was kept in the heap row from 20261206070000, decision 0018)
-- ---------------------------------------------------------------------------------------------
reset role;
select is(
  (select attstorage::text from pg_catalog.pg_attribute
    where attrelid = 'public.memories'::regclass and attname = 'embedding'),
  'e', 'storage: memories.embedding is STORAGE external (pgvector''s default: the vector goes to TOAST, a heap page holds many rows)');
select ok(
  (select coalesce(not reloptions::text ilike '%toast_tuple_target%', true) from pg_catalog.pg_class where oid = 'public.memories'::regclass),
  'storage: memories has the default toast_tuple_target (decision 0018''s 8160 is reset)');
create temporary table mem_toast_before on commit drop as select tests.toast_chunks('public.memories') as n;
insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
values (tests.get_supabase_uid('mem_owner'), 'Short and inline', encode(sha256('Short and inline'), 'hex'),
        (select array_agg(0.001 * i)::real[] from generate_series(1, 1536) i)::extensions.vector, 'local');
select cmp_ok(tests.toast_chunks('public.memories'), '>', (select n from mem_toast_before),
  'storage: a memory with short content writes its 6 kB embedding to TOAST (the heap tuple stays small)');
-- 248 md5 words (8 183 characters, incompressible) and ~100 kB of metadata: the worst row the
-- CHECKs allow still stores (content, metadata, the tsvector and the vector all move to TOAST).
select lives_ok($$insert into public.memories (user_id, content, content_hash, embedding, embedding_model, metadata)
  values (tests.get_supabase_uid('mem_owner'), (select string_agg(md5(i::text), ' ') from generate_series(1, 248) i), encode(sha256('long-memories'), 'hex'),
          array_fill(0.04::real, array[1536])::extensions.vector, 'local', (select jsonb_object_agg('k' || i, md5(i::text) || md5((i + 1)::text)) from generate_series(1, 1400) i))$$,
  'storage: a memory with 8 183 incompressible characters of content and ~100 kB of metadata still inserts');
select results_eq($$select char_length(content), pg_catalog.pg_column_size(metadata) > 50000, extensions.vector_dims(embedding)
    from public.memories where content_hash = encode(sha256('long-memories'), 'hex')$$,
  $$values (8183, true, 1536)$$, 'storage: the long row reads back whole');

select * from finish();
rollback;

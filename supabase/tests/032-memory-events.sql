-- public.memory_events: the append-only history of long-term memories.
--
-- Recording (the triggers on public.memories: add, update, delete by a decider, forget, restore,
-- nothing for a re-embedding, the decider and source messages from `tripsage.memory_change`; the
-- inserts of one statement recorded by one statement trigger, in insertion order), then
-- the matrix owner / trip collaborator / another user / anon / service_role × select / insert /
-- update / delete / truncate (nobody but the account-deletion cascade removes a row).
--
-- e3…01 belongs to ev_owner; ev_collab edits ev_owner's trip; ev_stranger is unrelated.
begin;
select plan(39);

select tests.create_supabase_user('ev_owner');
select tests.create_supabase_user('ev_collab');
select tests.create_supabase_user('ev_stranger');
select tests.create_supabase_user('ev_batch');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values ('a3000000-0000-4000-8000-000000000001', tests.get_supabase_uid('ev_owner'), 'Lisbon', 'Lisbon', '2026-05-01', '2026-05-05');
insert into public.trip_collaborators (trip_id, user_id, role)
values ('a3000000-0000-4000-8000-000000000001', tests.get_supabase_uid('ev_collab'), 'editor');

-- ---------------------------------------------------------------------------------------------
-- recording, as the owner
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('ev_owner');

insert into public.memories (id, user_id, content, content_hash, embedding, embedding_model)
values ('e3000000-0000-4000-8000-000000000001', tests.get_supabase_uid('ev_owner'), 'Prefers aisle seats',
        encode(sha256('Prefers aisle seats'), 'hex'), array_fill(0.01::real, array[1536])::extensions.vector, 'local');
select results_eq($$select operation, old_content, new_content, decider, source_message_ids
  from public.memory_events where memory_id = 'e3000000-0000-4000-8000-000000000001'$$,
  $$values ('add'::text, null::text, 'Prefers aisle seats'::text, 'user'::text, '{}'::uuid[])$$,
  'insert: an add event with the new content; a direct write is decided by `user`');

select set_config('tripsage.memory_change',
  '{"decider":"rule:lexical-v1","sourceMessageIds":["d3000000-0000-4000-8000-000000000001"],"reason":"newer value"}', true);
update public.memories set content = 'Prefers window seats', content_hash = encode(sha256('Prefers window seats'), 'hex')
 where id = 'e3000000-0000-4000-8000-000000000001';
select set_config('tripsage.memory_change', '', true);
select results_eq($$select operation, old_content, new_content, decider, source_message_ids, reason
  from public.memory_events where memory_id = 'e3000000-0000-4000-8000-000000000001' and operation = 'update'$$,
  $$values ('update'::text, 'Prefers aisle seats'::text, 'Prefers window seats'::text, 'rule:lexical-v1'::text,
    '{d3000000-0000-4000-8000-000000000001}'::uuid[], 'newer value'::text)$$,
  'update: old and new content, the decider, the source messages and the reason from tripsage.memory_change');

update public.memories set embedding = array_fill(0.02::real, array[1536])::extensions.vector, embedding_model = 'other'
 where id = 'e3000000-0000-4000-8000-000000000001';
select results_eq($$select count(*)::int from public.memory_events where memory_id = 'e3000000-0000-4000-8000-000000000001'$$,
  array[2], 'update: a re-embedding alone records nothing');

select set_config('tripsage.memory_change', '{"decider":"model:mock/decider","operation":"delete"}', true);
delete from public.memories where id = 'e3000000-0000-4000-8000-000000000001';
select set_config('tripsage.memory_change', '', true);
select results_eq($$select operation, old_content, new_content, decider, memory_type
  from public.memory_events where memory_id = 'e3000000-0000-4000-8000-000000000001' and operation = 'delete'$$,
  $$values ('delete'::text, 'Prefers window seats'::text, null::text, 'model:mock/decider'::text, 'user_preference'::text)$$,
  'delete: a decider''s delete keeps the old content and type (enough to restore)');

select set_config('tripsage.memory_change', '{"decider":"user","operation":"restore"}', true);
insert into public.memories (id, user_id, content, content_hash, embedding, embedding_model)
values ('e3000000-0000-4000-8000-000000000001', tests.get_supabase_uid('ev_owner'), 'Prefers window seats',
        encode(sha256('Prefers window seats'), 'hex'), array_fill(0.01::real, array[1536])::extensions.vector, 'local');
select set_config('tripsage.memory_change', '', true);
select results_eq($$select operation, new_content from public.memory_events
  where memory_id = 'e3000000-0000-4000-8000-000000000001' and operation = 'restore'$$,
  $$values ('restore'::text, 'Prefers window seats'::text)$$, 'insert with operation restore: a restore event');

delete from public.memories where id = 'e3000000-0000-4000-8000-000000000001';
select results_eq($$select operation, decider from public.memory_events
  where memory_id = 'e3000000-0000-4000-8000-000000000001' and operation = 'forget'$$,
  $$values ('forget'::text, 'user'::text)$$, 'delete without a decider: a forget by the user');

select results_eq($$select count(*)::int from public.memory_events where memory_id = 'e3000000-0000-4000-8000-000000000001'$$,
  array[5], 'five events: add, update, delete, restore, forget');

select throws_ok($$select set_config('tripsage.memory_change', '{"decider":"x","sourceMessageIds":["not-a-uuid"]}', true);
  insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
  values (tests.get_supabase_uid('ev_owner'), 'Broken', encode(sha256('Broken'), 'hex'),
          array_fill(0.01::real, array[1536])::extensions.vector, 'local')$$,
  '22P02', null, 'a malformed change description fails the write (no event, no memory)');
select set_config('tripsage.memory_change', '', true);

-- one memory for ev_stranger, written by the service
select tests.authenticate_as_service_role();
insert into public.memories (id, user_id, content, content_hash, embedding, embedding_model)
values ('e3000000-0000-4000-8000-000000000009', tests.get_supabase_uid('ev_stranger'), 'Travels by train',
        encode(sha256('Travels by train'), 'hex'), array_fill(0.01::real, array[1536])::extensions.vector, 'local');
select results_eq($$select decider from public.memory_events where memory_id = 'e3000000-0000-4000-8000-000000000009'$$,
  array['service'], 'a service write without a decider is decided by `service`');

-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('ev_owner');
select results_eq($$select count(*)::int from public.memory_events$$, array[5], 'select: the owner reads their history');

select tests.authenticate_as('ev_collab');
select is_empty($$select 1 from public.memory_events$$, 'select: a collaborator on the owner''s trip reads nothing');

select tests.authenticate_as('ev_stranger');
select results_eq($$select memory_id from public.memory_events$$, array['e3000000-0000-4000-8000-000000000009'::uuid],
  'select: another user reads only their own history');

select tests.clear_authentication();
select throws_ok($$select 1 from public.memory_events$$, '42501', null, 'select: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.memory_events
  where memory_id in ('e3000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-000000000009')$$,
  array[6], 'select: service_role reads every history');

-- ---------------------------------------------------------------------------------------------
-- insert: only the trigger writes
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('ev_owner');
select throws_ok($$insert into public.memory_events (user_id, memory_id, operation, new_content, memory_type, importance, decider)
  values (tests.get_supabase_uid('ev_owner'), gen_random_uuid(), 'add', 'forged', 'other', 0.5, 'user')$$,
  '42501', null, 'insert: the owner cannot write an event');
select tests.authenticate_as('ev_collab');
select throws_ok($$insert into public.memory_events (user_id, memory_id, operation, new_content, memory_type, importance, decider)
  values (tests.get_supabase_uid('ev_owner'), gen_random_uuid(), 'add', 'forged', 'other', 0.5, 'user')$$,
  '42501', null, 'insert: a collaborator cannot write an event');
select tests.authenticate_as('ev_stranger');
select throws_ok($$insert into public.memory_events (user_id, memory_id, operation, new_content, memory_type, importance, decider)
  values (tests.get_supabase_uid('ev_stranger'), gen_random_uuid(), 'add', 'forged', 'other', 0.5, 'user')$$,
  '42501', null, 'insert: another user cannot write an event, even their own');
select tests.clear_authentication();
select throws_ok($$insert into public.memory_events (user_id, memory_id, operation, new_content, memory_type, importance, decider)
  values (tests.get_supabase_uid('ev_owner'), gen_random_uuid(), 'add', 'forged', 'other', 0.5, 'user')$$,
  '42501', null, 'insert: anon has no privilege');
select tests.authenticate_as_service_role();
select throws_ok($$insert into public.memory_events (user_id, memory_id, operation, new_content, memory_type, importance, decider)
  values (tests.get_supabase_uid('ev_owner'), gen_random_uuid(), 'add', 'forged', 'other', 0.5, 'service')$$,
  '42501', null, 'insert: service_role cannot write an event either');

-- ---------------------------------------------------------------------------------------------
-- update / delete / truncate: nobody
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('ev_owner');
select throws_ok($$update public.memory_events set new_content = 'rewritten'$$, '42501', null,
  'update: the owner cannot rewrite their history');
select throws_ok($$delete from public.memory_events$$, '42501', null, 'delete: the owner cannot erase their history');
select tests.authenticate_as('ev_collab');
select throws_ok($$delete from public.memory_events$$, '42501', null, 'delete: a collaborator has no privilege');
select tests.authenticate_as('ev_stranger');
select throws_ok($$update public.memory_events set decider = 'x'$$, '42501', null, 'update: another user has no privilege');
select tests.clear_authentication();
select throws_ok($$delete from public.memory_events$$, '42501', null, 'delete: anon has no privilege');
select tests.authenticate_as_service_role();
select throws_ok($$update public.memory_events set decider = 'x'$$, '42501', null, 'update: service_role has no privilege');
select throws_ok($$delete from public.memory_events$$, '42501', null, 'delete: service_role has no privilege');
select throws_ok($$truncate public.memory_events$$, '42501', null, 'truncate: service_role has no privilege');

-- the table owner (postgres) holds every privilege: the trigger still refuses
reset role;
select throws_ok($$update public.memory_events set decider = 'x'$$, '42501', 'memory_events is append-only',
  'update: even the table owner is refused by the trigger');
select throws_ok($$delete from public.memory_events where user_id = tests.get_supabase_uid('ev_owner')$$, '42501',
  'memory_events is append-only', 'delete: even the table owner is refused by the trigger');
select throws_ok($$truncate public.memory_events$$, '42501', 'memory_events is append-only',
  'truncate: even the table owner is refused by the trigger');
select results_eq($$select count(*)::int from public.memory_events where user_id = tests.get_supabase_uid('ev_owner')$$,
  array[5], 'the owner''s history is intact');

-- ---------------------------------------------------------------------------------------------
-- inserts recorded once per statement (migration 20261206070000, decision 0018)
-- ---------------------------------------------------------------------------------------------
select is(
  (select count(*)::int from pg_catalog.pg_trigger
    where tgrelid = 'public.memories'::regclass and tgname = 'memories_record_insert_events'
      and tgtype & 1 = 0 and tgtype & (4 | 8 | 16) = 4 and tgnewtable = 'inserted_memories'
      and tgfoid = 'private.record_memory_insert_events()'::regprocedure),
  1, 'trigger: inserts are recorded by an AFTER INSERT ... FOR EACH STATEMENT trigger over a transition table');
select is(
  (select count(*)::int from pg_catalog.pg_trigger
    where tgrelid = 'public.memories'::regclass and tgname = 'memories_record_event'
      and tgtype & 1 = 1 and tgtype & (4 | 8 | 16) = (8 | 16)
      and tgfoid = 'private.record_memory_event()'::regprocedure),
  1, 'trigger: updates and deletes are recorded by the row trigger, which no longer fires on insert');

select tests.authenticate_as('ev_batch');
select set_config('tripsage.memory_change',
  '{"decider":"model:mock/extractor","sourceMessageIds":["d3000000-0000-4000-8000-000000000002"],"reason":"batch"}', true);
insert into public.memories (id, user_id, content, content_hash, embedding, embedding_model)
select ('e3000000-0000-4000-8000-00000000010' || i)::uuid, tests.get_supabase_uid('ev_batch'), 'Batch ' || i,
       encode(sha256(('Batch ' || i)::bytea), 'hex'), array_fill(0.01::real, array[1536])::extensions.vector, 'local'
  from generate_series(1, 3) i;
select set_config('tripsage.memory_change', '', true);
select results_eq($$select memory_id, operation, old_content, new_content, decider, source_message_ids, reason
    from public.memory_events where user_id = tests.get_supabase_uid('ev_batch') order by seq$$,
  $$values ('e3000000-0000-4000-8000-000000000101'::uuid, 'add'::text, null::text, 'Batch 1'::text, 'model:mock/extractor'::text,
            '{d3000000-0000-4000-8000-000000000002}'::uuid[], 'batch'::text),
           ('e3000000-0000-4000-8000-000000000102'::uuid, 'add', null, 'Batch 2', 'model:mock/extractor',
            '{d3000000-0000-4000-8000-000000000002}'::uuid[], 'batch'),
           ('e3000000-0000-4000-8000-000000000103'::uuid, 'add', null, 'Batch 3', 'model:mock/extractor',
            '{d3000000-0000-4000-8000-000000000002}'::uuid[], 'batch')$$,
  'insert of three rows in one statement: three add events in insertion order, each with the statement''s decider, sources and reason');

select set_config('tripsage.memory_change', '{"decider":"x","sourceMessageIds":["not-a-uuid"]}', true);
select lives_ok($$insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
  values (tests.get_supabase_uid('ev_batch'), 'Batch 1', encode(sha256('Batch 1'::bytea), 'hex'),
          array_fill(0.01::real, array[1536])::extensions.vector, 'local')
  on conflict do nothing$$,
  'an insert that inserts no row (a dedup conflict) neither reads the change description nor fails');
select set_config('tripsage.memory_change', '', true);
select results_eq($$select count(*)::int from public.memory_events where user_id = tests.get_supabase_uid('ev_batch')$$,
  array[3], 'an insert that inserts no row records nothing');
reset role;

-- ---------------------------------------------------------------------------------------------
-- deleting the account takes the memories and their history, and records nothing on the way
-- ---------------------------------------------------------------------------------------------
create temporary table ev_leaving (id uuid) on commit drop;
insert into ev_leaving select tests.get_supabase_uid('ev_stranger');
select lives_ok($$delete from auth.users where id = (select id from ev_leaving)$$,
  'deleting an account with memories and history succeeds');
select is_empty($$select 1 from public.memory_events where user_id = (select id from ev_leaving)
  union all select 1 from public.memories where user_id = (select id from ev_leaving)$$,
  'the deleted account leaves no memory and no history behind');

select has_index('public', 'memory_events', 'memory_events_user_id_memory_id_seq_idx',
  array['user_id', 'memory_id', 'seq']::name[], 'memory_events: the owner-policy index leads with user_id');

select * from finish();
rollback;

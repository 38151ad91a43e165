-- Jobs (migration 20261124005000): the outbox and the failure record are service-only internals,
-- and enqueue_memory_sync lets a user enqueue only their own messages of their own session.
begin;
select plan(23);

select tests.rls_enabled('private', 'job_outbox');
select tests.rls_enabled('private', 'job_failures');
select table_privs_are('private', 'job_outbox', 'authenticated', array[]::text[], 'authenticated has no privilege on job_outbox');
select table_privs_are('private', 'job_outbox', 'anon', array[]::text[], 'anon has no privilege on job_outbox');
select table_privs_are('private', 'job_failures', 'authenticated', array[]::text[], 'authenticated has no privilege on job_failures');
select table_privs_are('private', 'job_failures', 'anon', array[]::text[], 'anon has no privilege on job_failures');
select table_privs_are('private', 'job_outbox', 'service_role', array['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  'service_role reads and writes job_outbox (no TRUNCATE)');
select is_definer('private', 'enqueue_memory_sync', array['uuid', 'uuid[]'], 'enqueue_memory_sync is SECURITY DEFINER');
select function_privs_are('private', 'put_memory_sync_job', array['uuid', 'uuid', 'uuid[]'], 'authenticated', array[]::text[],
  'authenticated cannot call put_memory_sync_job directly');

select tests.create_supabase_user('jobs_alice');
select tests.create_supabase_user('jobs_bob');
insert into public.chat_sessions (id, user_id) values
  ('00000000-0000-4000-8000-0000000a0001', tests.get_supabase_uid('jobs_alice')),
  ('00000000-0000-4000-8000-0000000b0001', tests.get_supabase_uid('jobs_bob'));
insert into public.chat_messages (id, session_id, user_id, role, content)
select ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, '00000000-0000-4000-8000-0000000a0001',
       tests.get_supabase_uid('jobs_alice'), case when i % 2 = 0 then 'user' else 'assistant' end, 'message ' || i
  from generate_series(1, 120) i;
insert into public.chat_messages (id, session_id, user_id, role, content) values
  ('00000000-0000-4000-8000-0000000a0fff', '00000000-0000-4000-8000-0000000a0001', tests.get_supabase_uid('jobs_alice'), 'tool', 'tool output'),
  ('00000000-0000-4000-8000-0000000b0fff', '00000000-0000-4000-8000-0000000b0001', tests.get_supabase_uid('jobs_bob'), 'user', 'bob says hi');

-- Alice, as herself, can neither read nor write the outbox directly.
select tests.authenticate_as('jobs_alice');
select throws_ok($$select count(*) from private.job_outbox$$, '42501', null, 'a user cannot read the outbox');
select throws_ok($$insert into private.job_outbox (user_id, job, dedup_key, payload)
  values (auth.uid(), 'memory-sync', 'forged', '{}')$$, '42501', null, 'a user cannot write the outbox');

-- ...but can enqueue her own messages: 120 user/assistant messages → jobs of 50, 50, 20.
select is((select count(*)::int from private.enqueue_memory_sync('00000000-0000-4000-8000-0000000a0001',
  array(select id from public.chat_messages where session_id = '00000000-0000-4000-8000-0000000a0001'))), 3,
  '120 messages become 3 jobs');
select throws_ok($$select private.enqueue_memory_sync('00000000-0000-4000-8000-0000000b0001',
  array['00000000-0000-4000-8000-0000000b0fff'::uuid])$$, '42501', null, 'a user cannot enqueue another user''s session');
select throws_ok($$select private.enqueue_memory_sync('00000000-0000-4000-8000-0000000a0001', null)$$,
  '22023', null, 'message ids are required');
select is((select count(*)::int from private.enqueue_memory_sync('00000000-0000-4000-8000-0000000a0001',
  array['00000000-0000-4000-8000-0000000b0fff'::uuid])), 0, 'another session''s message id enqueues nothing');
select is((select count(*)::int from private.enqueue_memory_sync('00000000-0000-4000-8000-0000000a0001',
  array(select id from public.chat_messages where session_id = '00000000-0000-4000-8000-0000000a0001'))), 3,
  'enqueueing the same messages again returns the same 3 jobs');
reset role;

select is((select count(*)::int from private.job_outbox), 3, 'the repeat added no outbox row');
select results_eq($$select jsonb_array_length(payload->'messageIds') from private.job_outbox order by payload->'messageIds'->>0$$,
  array[50, 50, 20], 'jobs hold 50, 50 and 20 message ids in order');
select is((select count(*)::int from private.job_outbox, jsonb_array_elements_text(payload->'messageIds') m
  where m = '00000000-0000-4000-8000-0000000a0fff'), 0, 'tool messages are not enqueued');
select is((select count(*)::int from private.job_outbox where payload ? 'messages' or payload::text like '%message 1%'), 0,
  'jobs carry ids, never message text');
select is((select count(distinct dedup_key)::int from private.job_outbox where dedup_key like 'memory-sync:00000000-0000-4000-8000-0000000a0001:%'), 3,
  'each job has its own memory-sync dedup key');

-- Deleting the account removes its outbox rows.
delete from auth.users where id = tests.get_supabase_uid('jobs_alice');
select is((select count(*)::int from private.job_outbox), 0, 'deleting the user deletes their outbox rows');
select is((select count(*)::int from private.job_failures), 0, 'and their failure records');

select * from finish();
rollback;

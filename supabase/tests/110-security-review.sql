-- Security review (issue 14), findings 5, 6 and 7:
-- 5. realtime.messages policies require the row's topic to be the authorized topic
--    (migration 20261206020100);
-- 6. trip_collaborators.invited_by is frozen after insert (20261206020200);
-- 7. enqueue_memory_sync decides the service path by the session's role, not a JWT claim
--    (20261206020300).
begin;
select plan(14);

select tests.create_supabase_user('sr_alice');
select tests.create_supabase_user('sr_bob');
select tests.create_supabase_user('sr_admin');
select tests.create_supabase_user('sr_viewer');
select tests.create_supabase_user('sr_guest');

insert into public.trips (id, user_id, name, destination, start_date, end_date) values
  ('a1000000-0000-4000-8000-0000000000e1', tests.get_supabase_uid('sr_alice'), 'Lima', 'Lima, PE', '2027-01-01', '2027-01-05'),
  ('a1000000-0000-4000-8000-0000000000e2', tests.get_supabase_uid('sr_bob'), 'Quito', 'Quito, EC', '2027-02-01', '2027-02-05');
insert into public.trip_collaborators (trip_id, user_id, role, invited_by) values
  ('a1000000-0000-4000-8000-0000000000e1', tests.get_supabase_uid('sr_admin'), 'admin', tests.get_supabase_uid('sr_alice')),
  ('a1000000-0000-4000-8000-0000000000e1', tests.get_supabase_uid('sr_viewer'), 'viewer', tests.get_supabase_uid('sr_alice'));
insert into realtime.messages (topic, extension, event, payload, private) values
  ('trip:a1000000-0000-4000-8000-0000000000e1', 'broadcast', 'mine', '{}', true),
  ('trip:a1000000-0000-4000-8000-0000000000e2', 'broadcast', 'bobs', '{}', true),
  ('user:' || tests.get_supabase_uid('sr_bob'), 'broadcast', 'bobs-own', '{}', true);

-- ---------------------------------------------------------------------------------------------
-- finding 5: a topic the user may join opens only that topic's rows
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('sr_alice');
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000e1', true);
select is_empty($$select 1 from realtime.messages where topic <> realtime.topic()$$,
  'finding 5: with her own trip topic set, alice reads no row of another topic');
select isnt_empty($$select 1 from realtime.messages where event = 'mine'$$,
  'and still reads the rows of her trip topic');
select throws_ok($$insert into realtime.messages (topic, extension, event, payload)
  values ('trip:a1000000-0000-4000-8000-0000000000e2', 'broadcast', 'trip.deleted', '{}')$$, '42501', null,
  'finding 5: alice cannot forge a broadcast into bob''s trip topic');
select set_config('realtime.topic', 'user:' || tests.get_supabase_uid('sr_alice'), true);
select is_empty($$select 1 from realtime.messages where topic = 'user:' || tests.get_supabase_uid('sr_bob')$$,
  'finding 5: with her user topic set, alice does not read bob''s user topic');
select throws_ok($$insert into realtime.messages (topic, extension, event, payload)
  values ('user:' || tests.get_supabase_uid('sr_bob'), 'broadcast', 'x', '{}')$$, '42501', null,
  'finding 5: nor write into it');
-- the join checks Realtime makes (rows of the joined topic) still pass
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000e1', true);
select lives_ok($$insert into realtime.messages (topic, extension, event, payload)
  values (realtime.topic(), 'presence', 'track', '{}')$$, 'a member still joins and sends on her trip topic');

-- ---------------------------------------------------------------------------------------------
-- finding 6: invited_by is frozen
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('sr_admin');
select throws_ok($$update public.trip_collaborators set invited_by = auth.uid()
  where user_id = tests.get_supabase_uid('sr_viewer')$$, '42501', null,
  'finding 6: an admin cannot rewrite invited_by');
select results_eq($$update public.trip_collaborators set role = 'editor'
  where user_id = tests.get_supabase_uid('sr_viewer') returning role$$, array['editor'],
  'an admin still changes the role');
select tests.authenticate_as('sr_alice');
select throws_ok($$update public.trip_collaborators set invited_by = null
  where user_id = tests.get_supabase_uid('sr_viewer')$$, '42501', null,
  'finding 6: the owner cannot clear invited_by either');
reset role;
-- the foreign key's own `on delete set null` still works once the inviter's account is gone
insert into public.trip_collaborators (trip_id, user_id, role, invited_by)
values ('a1000000-0000-4000-8000-0000000000e1', tests.get_supabase_uid('sr_guest'), 'viewer', tests.get_supabase_uid('sr_bob'));
delete from auth.users where id = tests.get_supabase_uid('sr_bob');
select is((select invited_by from public.trip_collaborators
  where trip_id = 'a1000000-0000-4000-8000-0000000000e1' and user_id = tests.get_supabase_uid('sr_guest')), null,
  'deleting the inviter still sets invited_by to null');

-- ---------------------------------------------------------------------------------------------
-- finding 7: a role claim does not make a session the service
-- ---------------------------------------------------------------------------------------------
select tests.create_supabase_user('sr_carol');
select tests.create_supabase_user('sr_dave');
insert into public.chat_sessions (id, user_id) values
  ('00000000-0000-4000-8000-0000000e0001', tests.get_supabase_uid('sr_dave'));
insert into public.chat_messages (id, session_id, user_id, role, content) values
  ('00000000-0000-4000-8000-0000000e0002', '00000000-0000-4000-8000-0000000e0001', tests.get_supabase_uid('sr_dave'), 'user', 'dave''s words');
select tests.authenticate_as('sr_carol');
select set_config('request.jwt.claims',
  json_build_object('sub', tests.get_supabase_uid('sr_carol'), 'role', 'service_role')::text, true);
select throws_ok($$select private.enqueue_memory_sync('00000000-0000-4000-8000-0000000e0001',
  array['00000000-0000-4000-8000-0000000e0002'::uuid])$$, '42501', null,
  'finding 7: an authenticated session with a service_role claim cannot enqueue another user''s session');
select tests.authenticate_as('sr_dave');
select is((select count(*)::int from private.enqueue_memory_sync('00000000-0000-4000-8000-0000000e0001',
  array['00000000-0000-4000-8000-0000000e0002'::uuid])), 1, 'the owner enqueues their own messages');
select tests.authenticate_as_service_role();
select is((select count(*)::int from private.enqueue_memory_sync('00000000-0000-4000-8000-0000000e0001',
  array['00000000-0000-4000-8000-0000000e0002'::uuid])), 1, 'service_role enqueues any session');
reset role;
select set_config('request.jwt.claims', '{"role":"service_role"}', true);
select throws_ok($$select private.enqueue_memory_sync('00000000-0000-4000-8000-0000000e0001',
  array['00000000-0000-4000-8000-0000000e0002'::uuid])$$, '42501', null,
  'a session that is not service_role is not the service, whatever its claims');

select * from finish();
rollback;

-- Realtime (20261124000700_realtime.sql, 20261124002001_realtime_events.sql): who may receive
-- (SELECT) and send (INSERT) broadcast/presence on trip:{id}, session:{id} and user:{id}, and the
-- triggers that broadcast chat and trip changes.
--
-- Trip a1…e1 (r_owner; r_viewer viewer). Sessions d1…e1 (r_owner, linked to the trip) and d1…e2
-- (r_owner, unlinked).
begin;
select plan(21);

select tests.create_supabase_user('r_owner');
select tests.create_supabase_user('r_viewer');
select tests.create_supabase_user('r_stranger');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values ('a1000000-0000-4000-8000-0000000000e1', tests.get_supabase_uid('r_owner'), 'Hanoi', 'Hanoi, VN', '2027-01-10', '2027-01-20');
insert into public.trip_collaborators (trip_id, user_id, role)
values ('a1000000-0000-4000-8000-0000000000e1', tests.get_supabase_uid('r_viewer'), 'viewer');
insert into public.chat_sessions (id, user_id, trip_id)
values
  ('d1000000-0000-4000-8000-0000000000e1', tests.get_supabase_uid('r_owner'), 'a1000000-0000-4000-8000-0000000000e1'),
  ('d1000000-0000-4000-8000-0000000000e2', tests.get_supabase_uid('r_owner'), null);

-- ---------------------------------------------------------------------------------------------
-- triggers
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('r_owner');
insert into public.chat_messages (session_id, user_id, role, content)
values ('d1000000-0000-4000-8000-0000000000e1', tests.get_supabase_uid('r_owner'), 'user', 'private words');
select tests.authenticate_as_service_role();
select results_eq($$select event, private, extension, payload ->> 'role', payload ? 'content' from realtime.messages
    where topic = 'session:d1000000-0000-4000-8000-0000000000e1'$$,
  $$values ('message.created'::text, true, 'broadcast'::text, 'user'::text, false)$$,
  'trigger: an appended message is broadcast as message.created on session:{id}, without its content');
update public.chat_sessions set ended_at = now() where id = 'd1000000-0000-4000-8000-0000000000e2';
select results_eq($$select event from realtime.messages where topic = 'session:d1000000-0000-4000-8000-0000000000e2'$$,
  array['session.ended'], 'trigger: ending a session broadcasts session.ended');
update public.trips set name = 'Hà Nội' where id = 'a1000000-0000-4000-8000-0000000000e1';
select set_eq($$select event from realtime.messages where topic = 'trip:a1000000-0000-4000-8000-0000000000e1'$$,
  array['collaborator.changed', 'trip.updated'], 'trigger: collaborator and trip changes are broadcast on trip:{id}');
select results_eq($$select payload ->> 'op', payload ->> 'role' from realtime.messages
    where topic = 'user:' || tests.get_supabase_uid('r_viewer')::text$$,
  $$values ('added'::text, 'viewer'::text)$$, 'trigger: the collaborator hears about it on user:{id}');

-- ---------------------------------------------------------------------------------------------
-- policies: receive (select) and send (insert), per topic and caller
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('r_viewer');
select set_config('realtime.topic', 'session:d1000000-0000-4000-8000-0000000000e1', true);
select isnt_empty($$select 1 from realtime.messages where topic = 'session:d1000000-0000-4000-8000-0000000000e1'$$,
  'session: a viewer of the linked trip receives');
select lives_ok($$insert into realtime.messages (topic, extension, event, payload)
  values ('session:d1000000-0000-4000-8000-0000000000e1', 'presence', 'join', '{}')$$,
  'session: a viewer of the linked trip tracks presence');
select set_config('realtime.topic', 'session:d1000000-0000-4000-8000-0000000000e2', true);
select is_empty($$select 1 from realtime.messages where topic = 'session:d1000000-0000-4000-8000-0000000000e2'$$,
  'session: a trip viewer receives nothing from the owner''s unlinked session');
select throws_ok($$insert into realtime.messages (topic, extension, event, payload)
  values ('session:d1000000-0000-4000-8000-0000000000e2', 'broadcast', 'typing', '{}')$$,
  '42501', null, 'session: a trip viewer cannot send to the owner''s unlinked session');
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000e1', true);
select isnt_empty($$select 1 from realtime.messages where topic = 'trip:a1000000-0000-4000-8000-0000000000e1'$$,
  'trip: a viewer receives');
select set_config('realtime.topic', 'user:' || tests.get_supabase_uid('r_viewer')::text, true);
select isnt_empty($$select 1 from realtime.messages where topic = 'user:' || tests.get_supabase_uid('r_viewer')::text$$,
  'user: a user receives on their own topic');
select lives_ok($$insert into realtime.messages (topic, extension, event, payload)
  values ('user:' || tests.get_supabase_uid('r_viewer')::text, 'presence', 'join', '{}')$$,
  'user: a user tracks presence on their own topic');

select tests.authenticate_as('r_owner');
select set_config('realtime.topic', 'session:d1000000-0000-4000-8000-0000000000e2', true);
select isnt_empty($$select 1 from realtime.messages where topic = 'session:d1000000-0000-4000-8000-0000000000e2'$$,
  'session: the owner receives from their unlinked session');
select set_config('realtime.topic', 'user:' || tests.get_supabase_uid('r_viewer')::text, true);
select is_empty($$select 1 from realtime.messages where topic = 'user:' || tests.get_supabase_uid('r_viewer')::text$$,
  'user: nobody else receives on a user''s topic, not even a trip owner');
select throws_ok($$insert into realtime.messages (topic, extension, event, payload)
  values ('user:' || tests.get_supabase_uid('r_viewer')::text, 'broadcast', 'x', '{}')$$,
  '42501', null, 'user: nobody else sends on a user''s topic');

select tests.authenticate_as('r_stranger');
select set_config('realtime.topic', 'session:d1000000-0000-4000-8000-0000000000e1', true);
select is_empty($$select 1 from realtime.messages where topic = 'session:d1000000-0000-4000-8000-0000000000e1'$$,
  'session: a stranger receives nothing');
select throws_ok($$insert into realtime.messages (topic, extension, event, payload)
  values ('session:d1000000-0000-4000-8000-0000000000e1', 'broadcast', 'x', '{}')$$,
  '42501', null, 'session: a stranger cannot send');
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000e1', true);
select is_empty($$select 1 from realtime.messages where topic = 'trip:a1000000-0000-4000-8000-0000000000e1'$$,
  'trip: a stranger receives nothing');
select set_config('realtime.topic', 'session:D1000000-0000-4000-8000-0000000000E1', true);
select is_empty($$select 1 from realtime.messages$$, 'topic: a non-canonical (upper-case) id matches no policy');

-- ---------------------------------------------------------------------------------------------
-- catalog
-- ---------------------------------------------------------------------------------------------
select policies_are('realtime', 'messages', array[
  'messages_select_trip_member', 'messages_insert_trip_member',
  'messages_select_session_member', 'messages_insert_session_member',
  'messages_select_user_self', 'messages_insert_user_self'
], 'realtime.messages has exactly the trip, session and user policies');
select is_empty($$
  select p.proname::text from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'private' and p.proname like 'broadcast\_%'
     and (not p.prosecdef or pg_catalog.has_function_privilege('authenticated', p.oid, 'EXECUTE'))$$,
  'broadcast trigger functions are SECURITY DEFINER and not executable by authenticated');
select set_eq($$
  select c.relname::text from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid
   where t.tgname like '%\_broadcast%' and not t.tgisinternal$$,
  array['chat_messages', 'chat_tool_calls', 'chat_sessions', 'trips', 'flights', 'accommodations', 'transportation',
        'itinerary_items', 'trip_collaborators'],
  'every chat and trip table broadcasts its changes');

select * from finish();
rollback;

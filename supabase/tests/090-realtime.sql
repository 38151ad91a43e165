-- Realtime authorization: a private channel `trip:{trip_id}` is open (receive = SELECT, send =
-- INSERT on realtime.messages, broadcast/presence only) to everyone with access to the trip, and to
-- nobody else. Realtime runs these checks as the user with `realtime.topic` set, as done below.
begin;
select plan(16);

select tests.create_supabase_user('rt_owner');
select tests.create_supabase_user('rt_viewer');
select tests.create_supabase_user('stranger');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values ('a1000000-0000-4000-8000-0000000000b1', tests.get_supabase_uid('rt_owner'), 'Hanoi', 'Hanoi, VN', '2026-12-01', '2026-12-05');
insert into public.trip_collaborators (trip_id, user_id, role)
values ('a1000000-0000-4000-8000-0000000000b1', tests.get_supabase_uid('rt_viewer'), 'viewer');

insert into realtime.messages (topic, extension, event, payload, private)
values ('trip:a1000000-0000-4000-8000-0000000000b1', 'broadcast', 'itinerary_changed', '{"n": 1}', true);

-- ---------------------------------------------------------------------------------------------
-- receive (SELECT)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('rt_owner');
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000b1', true);
select isnt_empty($$select 1 from realtime.messages where topic = realtime.topic()$$,
  'receive: the owner may join the trip channel');

select tests.authenticate_as('rt_viewer');
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000b1', true);
select isnt_empty($$select 1 from realtime.messages where topic = realtime.topic()$$,
  'receive: a viewer may join the trip channel');

select tests.authenticate_as('stranger');
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000b1', true);
select is_empty($$select 1 from realtime.messages$$,
  'receive: another user may not join the trip channel');

select tests.clear_authentication();
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000b1', true);
select is_empty($$select 1 from realtime.messages$$,
  'receive: anon may not join the trip channel (granted SELECT as on Realtime; RLS returns no row)');

-- ---------------------------------------------------------------------------------------------
-- send (INSERT)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('rt_owner');
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000b1', true);
select lives_ok($$insert into realtime.messages (topic, extension, event, payload)
  values (realtime.topic(), 'broadcast', 'cursor', '{}')$$,
  'send: the owner may broadcast on the trip channel');
select lives_ok($$insert into realtime.messages (topic, extension, event, payload)
  values (realtime.topic(), 'presence', 'join', '{}')$$,
  'send: the owner may track presence on the trip channel');
select throws_ok($$insert into realtime.messages (topic, extension, event, payload)
  values (realtime.topic(), 'postgres_changes', 'x', '{}')$$, '42501', null,
  'send: only broadcast and presence are authorized');

select tests.authenticate_as('rt_viewer');
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000b1', true);
select lives_ok($$insert into realtime.messages (topic, extension, event, payload)
  values (realtime.topic(), 'broadcast', 'cursor', '{}')$$,
  'send: a viewer may broadcast on the trip channel');

select tests.authenticate_as('stranger');
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000b1', true);
select throws_ok($$insert into realtime.messages (topic, extension, event, payload)
  values (realtime.topic(), 'broadcast', 'spam', '{}')$$, '42501', null,
  'send: another user may not broadcast on the trip channel');
select lives_ok($$select realtime.send('{"x": 1}', 'spam', 'trip:a1000000-0000-4000-8000-0000000000b1', true)$$,
  'send: realtime.send as another user does not raise (it only warns) …');

select tests.clear_authentication();
select throws_ok($$insert into realtime.messages (topic, extension, event, payload)
  values ('trip:a1000000-0000-4000-8000-0000000000b1', 'broadcast', 'spam', '{}')$$, '42501', null,
  'send: anon may not broadcast');

-- topics that are not a well-formed trip channel
select tests.authenticate_as('rt_owner');
select set_config('realtime.topic', 'trip:not-a-uuid', true);
select throws_ok($$insert into realtime.messages (topic, extension, event, payload)
  values (realtime.topic(), 'broadcast', 'x', '{}')$$, '42501', null,
  'send: a malformed trip topic is refused (not an error)');
select set_config('realtime.topic', 'admin:' || tests.get_supabase_uid('rt_owner')::text, true);
select is_empty($$select 1 from realtime.messages$$,
  'receive: topics that no policy names are closed');

select tests.authenticate_as_service_role();
select is(
  (select count(*)::int from realtime.messages
    where topic = 'trip:a1000000-0000-4000-8000-0000000000b1' and event = 'spam'),
  0, '… and nothing the other user tried to send was stored');

-- ---------------------------------------------------------------------------------------------
-- revocation
-- ---------------------------------------------------------------------------------------------
reset role;
delete from public.trip_collaborators where user_id = tests.get_supabase_uid('rt_viewer');

select tests.authenticate_as('rt_viewer');
select set_config('realtime.topic', 'trip:a1000000-0000-4000-8000-0000000000b1', true);
select is_empty($$select 1 from realtime.messages$$,
  'revocation: a removed viewer may no longer join the trip channel');
select throws_ok($$insert into realtime.messages (topic, extension, event, payload)
  values (realtime.topic(), 'broadcast', 'cursor', '{}')$$, '42501', null,
  'revocation: a removed viewer may no longer broadcast');

select * from finish();
rollback;

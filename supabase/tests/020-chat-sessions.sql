-- public.chat_sessions: the access matrix (owner / linked trip's admin, editor, viewer / stranger /
-- anon / service_role × select / insert / update / delete), re-linking to another trip, handing a
-- session to another user, and ON DELETE SET NULL from trips.
--
-- Trip a1…41 (ch_owner; ch_admin admin, ch_editor editor, ch_viewer viewer); trip a1…49 (stranger).
-- Sessions: d1…41 (ch_owner, linked to a1…41), d1…42 (ch_owner, no trip), d1…49 (stranger).
begin;
select plan(35);

select tests.create_supabase_user('ch_owner');
select tests.create_supabase_user('ch_admin');
select tests.create_supabase_user('ch_editor');
select tests.create_supabase_user('ch_viewer');
select tests.create_supabase_user('stranger');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values
  ('a1000000-0000-4000-8000-000000000041', tests.get_supabase_uid('ch_owner'), 'Kyoto', 'Kyoto, JP', '2026-09-01', '2026-09-10'),
  ('a1000000-0000-4000-8000-000000000049', tests.get_supabase_uid('stranger'), 'Oslo', 'Oslo, NO', '2026-07-01', '2026-07-04');

insert into public.trip_collaborators (trip_id, user_id, role)
values
  ('a1000000-0000-4000-8000-000000000041', tests.get_supabase_uid('ch_admin'), 'admin'),
  ('a1000000-0000-4000-8000-000000000041', tests.get_supabase_uid('ch_editor'), 'editor'),
  ('a1000000-0000-4000-8000-000000000041', tests.get_supabase_uid('ch_viewer'), 'viewer');

insert into public.chat_sessions (id, user_id, trip_id, title)
values
  ('d1000000-0000-4000-8000-000000000041', tests.get_supabase_uid('ch_owner'), 'a1000000-0000-4000-8000-000000000041', 'Kyoto planning'),
  ('d1000000-0000-4000-8000-000000000042', tests.get_supabase_uid('ch_owner'), null, 'Private chat'),
  ('d1000000-0000-4000-8000-000000000049', tests.get_supabase_uid('stranger'), null, 'Stranger chat');

-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('ch_owner');
select set_eq($$select id from public.chat_sessions$$,
  array['d1000000-0000-4000-8000-000000000041', 'd1000000-0000-4000-8000-000000000042']::uuid[],
  'select: the owner sees their sessions, linked or not');

select tests.authenticate_as('ch_admin');
select set_eq($$select id from public.chat_sessions$$, array['d1000000-0000-4000-8000-000000000041']::uuid[],
  'select: an admin of the linked trip sees only the trip''s session');

select tests.authenticate_as('ch_editor');
select set_eq($$select id from public.chat_sessions$$, array['d1000000-0000-4000-8000-000000000041']::uuid[],
  'select: an editor of the linked trip sees only the trip''s session');

select tests.authenticate_as('ch_viewer');
select set_eq($$select id from public.chat_sessions$$, array['d1000000-0000-4000-8000-000000000041']::uuid[],
  'select: a viewer of the linked trip sees only the trip''s session');

select tests.authenticate_as('stranger');
select set_eq($$select id from public.chat_sessions$$, array['d1000000-0000-4000-8000-000000000049']::uuid[],
  'select: another user sees only their own session');

select tests.clear_authentication();
select throws_ok($$select id from public.chat_sessions$$, '42501', null, 'select: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.chat_sessions where id in ('d1000000-0000-4000-8000-000000000041',
    'd1000000-0000-4000-8000-000000000042', 'd1000000-0000-4000-8000-000000000049')$$,
  array[3], 'select: service_role sees every session');

-- ---------------------------------------------------------------------------------------------
-- insert
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('ch_owner');
select lives_ok($$insert into public.chat_sessions (id, user_id, trip_id)
  values ('d1000000-0000-4000-8000-000000000051', tests.get_supabase_uid('ch_owner'), 'a1000000-0000-4000-8000-000000000041')$$,
  'insert: the owner starts a session linked to their trip');

select tests.authenticate_as('ch_admin');
select throws_ok($$insert into public.chat_sessions (user_id, trip_id)
  values (tests.get_supabase_uid('ch_owner'), 'a1000000-0000-4000-8000-000000000041')$$,
  '42501', null, 'insert: an admin collaborator cannot start a session naming the owner');

select tests.authenticate_as('ch_editor');
select lives_ok($$insert into public.chat_sessions (id, user_id, trip_id)
  values ('d1000000-0000-4000-8000-000000000053', tests.get_supabase_uid('ch_editor'), 'a1000000-0000-4000-8000-000000000041')$$,
  'insert: an editor starts their own session linked to the shared trip');

select tests.authenticate_as('ch_viewer');
select lives_ok($$insert into public.chat_sessions (id, user_id, trip_id)
  values ('d1000000-0000-4000-8000-000000000054', tests.get_supabase_uid('ch_viewer'), 'a1000000-0000-4000-8000-000000000041')$$,
  'insert: a viewer starts their own session linked to the shared trip');

select tests.authenticate_as('stranger');
select throws_ok($$insert into public.chat_sessions (user_id, trip_id)
  values (tests.get_supabase_uid('stranger'), 'a1000000-0000-4000-8000-000000000041')$$,
  '42501', null, 'insert: another user cannot link a session to a trip they cannot access');

select tests.clear_authentication();
select throws_ok($$insert into public.chat_sessions (user_id) values (tests.get_supabase_uid('ch_owner'))$$,
  '42501', null, 'insert: anon has no privilege');

select tests.authenticate_as_service_role();
select lives_ok($$insert into public.chat_sessions (id, user_id)
  values ('d1000000-0000-4000-8000-000000000055', tests.get_supabase_uid('ch_owner'))$$,
  'insert: service_role starts a session for any user');

-- ---------------------------------------------------------------------------------------------
-- update (owner only)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('ch_owner');
select results_eq($$update public.chat_sessions set title = 'renamed by owner'
  where id = 'd1000000-0000-4000-8000-000000000041' returning 1$$, array[1],
  'update: the owner renames their session');

select tests.authenticate_as('ch_admin');
select is_empty($$update public.chat_sessions set title = 'by admin'
  where id = 'd1000000-0000-4000-8000-000000000041' returning 1$$,
  'update: an admin of the linked trip updates nothing');

select tests.authenticate_as('ch_editor');
select is_empty($$update public.chat_sessions set title = 'by editor'
  where id = 'd1000000-0000-4000-8000-000000000041' returning 1$$,
  'update: an editor of the linked trip updates nothing');

select tests.authenticate_as('ch_viewer');
select is_empty($$update public.chat_sessions set title = 'by viewer'
  where id = 'd1000000-0000-4000-8000-000000000041' returning 1$$,
  'update: a viewer of the linked trip updates nothing');

select tests.authenticate_as('stranger');
select is_empty($$update public.chat_sessions set title = 'by stranger'
  where id <> 'd1000000-0000-4000-8000-000000000049' returning 1$$,
  'update: another user updates nothing');

select tests.clear_authentication();
select throws_ok($$update public.chat_sessions set title = 'by anon'$$, '42501', null,
  'update: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$update public.chat_sessions set ended_at = now()
  where id = 'd1000000-0000-4000-8000-000000000049' returning 1$$, array[1],
  'update: service_role updates any session');

select results_eq($$select title from public.chat_sessions where id = 'd1000000-0000-4000-8000-000000000041'$$,
  array['renamed by owner'], 'update: only the owner''s rename took effect');

-- re-linking and handing over
select tests.authenticate_as('ch_owner');
select throws_ok($$update public.chat_sessions set trip_id = 'a1000000-0000-4000-8000-000000000049'
  where id = 'd1000000-0000-4000-8000-000000000042'$$, '42501', null,
  'update: the owner cannot link a session to another user''s trip');

select throws_ok($$update public.chat_sessions set user_id = tests.get_supabase_uid('stranger')
  where id = 'd1000000-0000-4000-8000-000000000042'$$, '42501', null,
  'update: the owner cannot hand a session to another user');

select tests.authenticate_as('ch_viewer');
select throws_ok($$update public.chat_sessions set trip_id = 'a1000000-0000-4000-8000-000000000049'
  where id = 'd1000000-0000-4000-8000-000000000054'$$, '42501', null,
  'update: a collaborator cannot re-link their session to a trip they cannot access');

select throws_ok($$update public.chat_sessions set title = repeat('x', 201)
  where id = 'd1000000-0000-4000-8000-000000000054'$$, '23514', null,
  'check: title is at most 200 characters');

-- ---------------------------------------------------------------------------------------------
-- delete (owner only)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('ch_admin');
select is_empty($$delete from public.chat_sessions where id = 'd1000000-0000-4000-8000-000000000041' returning 1$$,
  'delete: an admin of the linked trip deletes nothing');

select tests.authenticate_as('ch_editor');
select is_empty($$delete from public.chat_sessions where id = 'd1000000-0000-4000-8000-000000000041' returning 1$$,
  'delete: an editor of the linked trip deletes nothing');

select tests.authenticate_as('ch_viewer');
select is_empty($$delete from public.chat_sessions where id = 'd1000000-0000-4000-8000-000000000041' returning 1$$,
  'delete: a viewer of the linked trip deletes nothing');

select tests.authenticate_as('stranger');
select is_empty($$delete from public.chat_sessions where id = 'd1000000-0000-4000-8000-000000000041' returning 1$$,
  'delete: another user deletes nothing');

select tests.clear_authentication();
select throws_ok($$delete from public.chat_sessions$$, '42501', null, 'delete: anon has no privilege');

select tests.authenticate_as('ch_owner');
select results_eq($$delete from public.chat_sessions where id = 'd1000000-0000-4000-8000-000000000042' returning 1$$,
  array[1], 'delete: the owner deletes their session');

select tests.authenticate_as_service_role();
select results_eq($$delete from public.chat_sessions where id = 'd1000000-0000-4000-8000-000000000049' returning 1$$,
  array[1], 'delete: service_role deletes any session');

-- ---------------------------------------------------------------------------------------------
-- deleting the linked trip keeps the session, unlinked, and the trip's members lose it
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('ch_owner');
delete from public.trips where id = 'a1000000-0000-4000-8000-000000000041';
select results_eq($$select trip_id is null, title from public.chat_sessions where id = 'd1000000-0000-4000-8000-000000000041'$$,
  $$values (true, 'renamed by owner')$$, 'trip deleted: the owner keeps the session, unlinked');

select tests.authenticate_as('ch_viewer');
select set_eq($$select id from public.chat_sessions$$, array['d1000000-0000-4000-8000-000000000054']::uuid[],
  'trip deleted: a former viewer keeps only their own session');

select * from finish();
rollback;

-- public.trip_collaborators: the access matrix, admin limits (admins manage only non-admin rows),
-- leaving a trip, frozen keys, the owner-as-collaborator refusal, and revocation: a collaborator
-- loses every access once their membership row is deleted.
--
-- Trip a1…11 (owner c_owner): c_admin (admin), c_admin2 (admin), c_editor (editor), c_viewer
-- (viewer), target_1 and target_2 (viewer). Trip a1…12 (c_owner) has no collaborators.
-- Trip a1…13 (c_owner) is used for revocation: leaver_viewer (viewer), leaver_editor (editor).
begin;
select plan(54);

select tests.create_supabase_user('c_owner');
select tests.create_supabase_user('c_admin');
select tests.create_supabase_user('c_admin2');
select tests.create_supabase_user('c_editor');
select tests.create_supabase_user('c_viewer');
select tests.create_supabase_user('target_1');
select tests.create_supabase_user('target_2');
select tests.create_supabase_user('newbie_1');
select tests.create_supabase_user('newbie_2');
select tests.create_supabase_user('newbie_3');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('leaver_viewer');
select tests.create_supabase_user('leaver_editor');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values
  ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('c_owner'), 'Rome', 'Rome, IT', '2026-05-01', '2026-05-08'),
  ('a1000000-0000-4000-8000-000000000012', tests.get_supabase_uid('c_owner'), 'Milan', 'Milan, IT', '2026-06-01', '2026-06-03'),
  ('a1000000-0000-4000-8000-000000000013', tests.get_supabase_uid('c_owner'), 'Turin', 'Turin, IT', '2026-07-01', '2026-07-03');

insert into public.trip_collaborators (trip_id, user_id, role, invited_by)
select 'a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid(c.who), c.role, tests.get_supabase_uid('c_owner')
  from (values ('c_admin', 'admin'), ('c_admin2', 'admin'), ('c_editor', 'editor'), ('c_viewer', 'viewer'),
               ('target_1', 'viewer'), ('target_2', 'viewer')) c(who, role);

insert into public.trip_collaborators (trip_id, user_id, role)
values ('a1000000-0000-4000-8000-000000000013', tests.get_supabase_uid('leaver_viewer'), 'viewer'),
       ('a1000000-0000-4000-8000-000000000013', tests.get_supabase_uid('leaver_editor'), 'editor');

insert into public.flights (id, trip_id, origin, destination, departure_date, price)
values ('f1000000-0000-4000-8000-000000000013', 'a1000000-0000-4000-8000-000000000013', 'FCO', 'TRN', '2026-07-01', 90);

-- ---------------------------------------------------------------------------------------------
-- select: everyone with access to the trip sees its whole membership
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('c_owner');
select results_eq($$select count(*)::int from public.trip_collaborators where trip_id = 'a1000000-0000-4000-8000-000000000011'$$,
  array[6], 'select: the owner sees all six memberships of the trip');

select tests.authenticate_as('c_admin');
select results_eq($$select count(*)::int from public.trip_collaborators where trip_id = 'a1000000-0000-4000-8000-000000000011'$$,
  array[6], 'select: an admin sees all memberships of the trip');

select tests.authenticate_as('c_editor');
select results_eq($$select count(*)::int from public.trip_collaborators where trip_id = 'a1000000-0000-4000-8000-000000000011'$$,
  array[6], 'select: an editor sees all memberships of the trip');

select tests.authenticate_as('c_viewer');
select set_eq($$select trip_id from public.trip_collaborators$$,
  array['a1000000-0000-4000-8000-000000000011']::uuid[],
  'select: a viewer sees the memberships of their trip and of no other');

select tests.authenticate_as('stranger');
select is_empty($$select 1 from public.trip_collaborators$$,
  'select: another user sees no membership');

select tests.clear_authentication();
select throws_ok($$select 1 from public.trip_collaborators$$, '42501', null,
  'select: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.trip_collaborators where trip_id = 'a1000000-0000-4000-8000-000000000011'$$,
  array[6], 'select: service_role sees every membership');

-- ---------------------------------------------------------------------------------------------
-- insert
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('c_owner');
select lives_ok($$insert into public.trip_collaborators (trip_id, user_id, role, invited_by)
  values ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('newbie_1'), 'admin', tests.get_supabase_uid('c_owner'))$$,
  'insert: the owner adds an admin');

select tests.authenticate_as('c_admin');
select lives_ok($$insert into public.trip_collaborators (trip_id, user_id, role, invited_by)
  values ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('newbie_2'), 'editor', tests.get_supabase_uid('c_admin'))$$,
  'insert: an admin adds an editor');

select throws_ok($$insert into public.trip_collaborators (trip_id, user_id, role)
  values ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('newbie_3'), 'admin')$$,
  '42501', null, 'insert: an admin cannot add another admin');

select throws_ok($$insert into public.trip_collaborators (trip_id, user_id, role, invited_by)
  values ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('newbie_3'), 'viewer', tests.get_supabase_uid('c_owner'))$$,
  '42501', null, 'insert: an admin cannot record someone else as the inviter');

select throws_ok($$insert into public.trip_collaborators (trip_id, user_id, role)
  values ('a1000000-0000-4000-8000-000000000012', tests.get_supabase_uid('newbie_3'), 'viewer')$$,
  '42501', null, 'insert: an admin of one trip cannot add members to another trip of the same owner');

select tests.authenticate_as('c_editor');
select throws_ok($$insert into public.trip_collaborators (trip_id, user_id, role)
  values ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('newbie_3'), 'viewer')$$,
  '42501', null, 'insert: an editor cannot add members');

select tests.authenticate_as('c_viewer');
select throws_ok($$insert into public.trip_collaborators (trip_id, user_id, role)
  values ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('newbie_3'), 'viewer')$$,
  '42501', null, 'insert: a viewer cannot add members');

select tests.authenticate_as('stranger');
select throws_ok($$insert into public.trip_collaborators (trip_id, user_id, role)
  values ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('stranger'), 'admin')$$,
  '42501', null, 'insert: another user cannot invite themself into a trip');

select tests.clear_authentication();
select throws_ok($$insert into public.trip_collaborators (trip_id, user_id, role)
  values ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('newbie_3'), 'viewer')$$,
  '42501', null, 'insert: anon has no privilege');

select tests.authenticate_as_service_role();
select lives_ok($$insert into public.trip_collaborators (trip_id, user_id, role)
  values ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('newbie_3'), 'viewer')$$,
  'insert: service_role adds a member');

select tests.authenticate_as('c_owner');
select results_eq($$insert into public.trip_collaborators (trip_id, user_id)
  values ('a1000000-0000-4000-8000-000000000012', tests.get_supabase_uid('newbie_1')) returning role, invited_by$$,
  $$values ('viewer'::text, tests.get_supabase_uid('c_owner'))$$,
  'insert: role defaults to viewer and invited_by to the caller');

-- integrity
select tests.authenticate_as('c_owner');
select throws_ok($$insert into public.trip_collaborators (trip_id, user_id, role)
  values ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('c_owner'), 'viewer')$$,
  '23514', null, 'integrity: the owner cannot be added as a collaborator of their own trip');

select tests.authenticate_as_service_role();
select throws_ok($$insert into public.trip_collaborators (trip_id, user_id, role)
  values ('a1000000-0000-4000-8000-000000000012', tests.get_supabase_uid('c_owner'), 'admin')$$,
  '23514', null, 'integrity: not even service_role can add the owner as a collaborator');

select tests.authenticate_as('c_owner');
select throws_ok($$insert into public.trip_collaborators (trip_id, user_id, role)
  values ('a1000000-0000-4000-8000-000000000011', tests.get_supabase_uid('c_editor'), 'viewer')$$,
  '23505', null, 'integrity: a user is a member of a trip at most once');

select throws_ok($$insert into public.trip_collaborators (trip_id, user_id, role)
  values ('a1000000-0000-4000-8000-000000000012', tests.get_supabase_uid('newbie_3'), 'owner')$$,
  '23514', null, 'integrity: role is viewer, editor or admin');

-- ---------------------------------------------------------------------------------------------
-- update
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('c_owner');
select results_eq($$update public.trip_collaborators set role = 'editor'
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('target_1') returning role$$,
  array['editor'], 'update: the owner changes a role');

select tests.authenticate_as('c_admin');
select results_eq($$update public.trip_collaborators set role = 'editor'
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('target_2') returning role$$,
  array['editor'], 'update: an admin promotes a viewer to editor');

select throws_ok($$update public.trip_collaborators set role = 'admin'
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('target_2')$$,
  '42501', null, 'update: an admin cannot promote anyone to admin');

select is_empty($$update public.trip_collaborators set role = 'viewer'
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('c_admin2') returning 1$$,
  'update: an admin cannot demote another admin');

select tests.authenticate_as('c_editor');
select is_empty($$update public.trip_collaborators set role = 'admin'
  where trip_id = 'a1000000-0000-4000-8000-000000000011' returning 1$$,
  'update: an editor changes no role (not even their own)');

select tests.authenticate_as('c_viewer');
select is_empty($$update public.trip_collaborators set role = 'admin'
  where trip_id = 'a1000000-0000-4000-8000-000000000011' returning 1$$,
  'update: a viewer changes no role (not even their own)');

select tests.authenticate_as('stranger');
select is_empty($$update public.trip_collaborators set role = 'admin' returning 1$$,
  'update: another user changes nothing');

select tests.clear_authentication();
select throws_ok($$update public.trip_collaborators set role = 'admin'$$, '42501', null,
  'update: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$update public.trip_collaborators set role = 'viewer'
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('target_1') returning role$$,
  array['viewer'], 'update: service_role changes any role');

-- frozen keys
select tests.authenticate_as('c_owner');
select throws_ok($$update public.trip_collaborators set user_id = tests.get_supabase_uid('stranger')
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('target_1')$$,
  '42501', null, 'frozen: a membership cannot be re-assigned to another user');

select throws_ok($$update public.trip_collaborators set trip_id = 'a1000000-0000-4000-8000-000000000012'
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('target_1')$$,
  '42501', null, 'frozen: a membership cannot be moved to another trip');

-- ---------------------------------------------------------------------------------------------
-- delete
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('c_editor');
select is_empty($$delete from public.trip_collaborators
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('target_1') returning 1$$,
  'delete: an editor removes nobody');

select tests.authenticate_as('c_viewer');
select is_empty($$delete from public.trip_collaborators
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('target_1') returning 1$$,
  'delete: a viewer removes nobody else');

select tests.authenticate_as('stranger');
select is_empty($$delete from public.trip_collaborators returning 1$$,
  'delete: another user removes nobody');

select tests.clear_authentication();
select throws_ok($$delete from public.trip_collaborators$$, '42501', null,
  'delete: anon has no privilege');

select tests.authenticate_as('c_admin');
select is_empty($$delete from public.trip_collaborators
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('c_admin2') returning 1$$,
  'delete: an admin cannot remove another admin');

select results_eq($$delete from public.trip_collaborators
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('target_2') returning 1$$,
  array[1], 'delete: an admin removes a non-admin member');

select tests.authenticate_as('c_viewer');
select results_eq($$delete from public.trip_collaborators
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('c_viewer') returning 1$$,
  array[1], 'delete: a collaborator leaves the trip');

select tests.authenticate_as('c_admin2');
select results_eq($$delete from public.trip_collaborators
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('c_admin2') returning 1$$,
  array[1], 'delete: an admin leaves the trip');

select tests.authenticate_as('c_owner');
select results_eq($$delete from public.trip_collaborators
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('target_1') returning 1$$,
  array[1], 'delete: the owner removes any member');

select tests.authenticate_as_service_role();
select results_eq($$delete from public.trip_collaborators
  where trip_id = 'a1000000-0000-4000-8000-000000000011' and user_id = tests.get_supabase_uid('newbie_3') returning 1$$,
  array[1], 'delete: service_role removes any member');

-- ---------------------------------------------------------------------------------------------
-- revocation: before / after the membership row is deleted
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('leaver_viewer');
select isnt_empty($$select 1 from public.trips where id = 'a1000000-0000-4000-8000-000000000013'$$,
  'before: the viewer sees the trip');
select isnt_empty($$select 1 from public.flights where trip_id = 'a1000000-0000-4000-8000-000000000013'$$,
  'before: the viewer sees the trip''s flights');

select tests.authenticate_as('leaver_editor');
select results_eq($$update public.trips set notes = array['editor was here']
  where id = 'a1000000-0000-4000-8000-000000000013' returning 1$$, array[1],
  'before: the editor updates the trip');
select lives_ok($$insert into public.flights (trip_id, origin, destination, departure_date, price)
  values ('a1000000-0000-4000-8000-000000000013', 'TRN', 'FCO', '2026-07-03', 80)$$,
  'before: the editor adds a flight');

select tests.authenticate_as('c_owner');
select results_eq($$delete from public.trip_collaborators
  where trip_id = 'a1000000-0000-4000-8000-000000000013' returning 1$$, array[1, 1],
  'the owner removes both memberships');

select tests.authenticate_as('leaver_viewer');
select is_empty($$select 1 from public.trips where id = 'a1000000-0000-4000-8000-000000000013'$$,
  'after: the former viewer no longer sees the trip');
select is_empty($$select 1 from public.flights where trip_id = 'a1000000-0000-4000-8000-000000000013'$$,
  'after: the former viewer no longer sees its flights');
select is_empty($$select 1 from public.trip_collaborators where trip_id = 'a1000000-0000-4000-8000-000000000013'$$,
  'after: the former viewer no longer sees its memberships');

select tests.authenticate_as('leaver_editor');
select is_empty($$update public.trips set notes = array['editor is back']
  where id = 'a1000000-0000-4000-8000-000000000013' returning 1$$,
  'after: the former editor updates nothing');
select throws_ok($$insert into public.flights (trip_id, origin, destination, departure_date, price)
  values ('a1000000-0000-4000-8000-000000000013', 'TRN', 'FCO', '2026-07-03', 80)$$,
  '42501', null, 'after: the former editor cannot add a flight');
select is_empty($$delete from public.flights where trip_id = 'a1000000-0000-4000-8000-000000000013' returning 1$$,
  'after: the former editor deletes no flight');

select * from finish();
rollback;

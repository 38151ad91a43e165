-- public.trips: the access matrix (owner / admin / editor / viewer / stranger / anon / service_role
-- × select / insert / update / delete), the frozen owner column and the CHECK constraints.
--
-- Ids: a1…01 and a1…02 belong to trip_owner (trip_admin, trip_editor and trip_viewer collaborate on
-- both), a1…03 to stranger; a1…04-06 are created by the insert cells.
begin;
select plan(41);

select tests.create_supabase_user('trip_owner');
select tests.create_supabase_user('trip_admin');
select tests.create_supabase_user('trip_editor');
select tests.create_supabase_user('trip_viewer');
select tests.create_supabase_user('stranger');

insert into public.trips (id, user_id, name, destination, start_date, end_date, created_at, updated_at)
values
  ('a1000000-0000-4000-8000-000000000001', tests.get_supabase_uid('trip_owner'), 'Lisbon', 'Lisbon, PT',
   '2026-05-01', '2026-05-08', '2020-01-01', '2020-01-01'),
  ('a1000000-0000-4000-8000-000000000002', tests.get_supabase_uid('trip_owner'), 'Porto', 'Porto, PT',
   '2026-06-01', '2026-06-03', '2020-01-01', '2020-01-01'),
  ('a1000000-0000-4000-8000-000000000003', tests.get_supabase_uid('stranger'), 'Oslo', 'Oslo, NO',
   '2026-07-01', '2026-07-04', '2020-01-01', '2020-01-01');

insert into public.trip_collaborators (trip_id, user_id, role, invited_by)
select t.id, tests.get_supabase_uid(c.who), c.role, tests.get_supabase_uid('trip_owner')
  from (values ('a1000000-0000-4000-8000-000000000001'::uuid), ('a1000000-0000-4000-8000-000000000002'::uuid)) t(id)
 cross join (values ('trip_admin', 'admin'), ('trip_editor', 'editor'), ('trip_viewer', 'viewer')) c(who, role);

-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('trip_owner');
select set_eq($$select id from public.trips$$,
  array['a1000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000002']::uuid[],
  'select: the owner sees exactly their own trips');

select tests.authenticate_as('trip_admin');
select set_eq($$select id from public.trips$$,
  array['a1000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000002']::uuid[],
  'select: an admin collaborator sees the shared trips');

select tests.authenticate_as('trip_editor');
select set_eq($$select id from public.trips$$,
  array['a1000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000002']::uuid[],
  'select: an editor collaborator sees the shared trips');

select tests.authenticate_as('trip_viewer');
select set_eq($$select id from public.trips$$,
  array['a1000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000002']::uuid[],
  'select: a viewer collaborator sees the shared trips');

select tests.authenticate_as('stranger');
select set_eq($$select id from public.trips$$,
  array['a1000000-0000-4000-8000-000000000003']::uuid[],
  'select: another user sees only their own trip, none of the owner''s');

select tests.clear_authentication();
select throws_ok($$select id from public.trips$$, '42501', null,
  'select: anon has no privilege on trips');

select tests.authenticate_as_service_role();
select set_eq($$select id from public.trips where id in ('a1000000-0000-4000-8000-000000000001',
    'a1000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000003')$$,
  array['a1000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000002',
        'a1000000-0000-4000-8000-000000000003']::uuid[],
  'select: service_role sees every trip');

-- ---------------------------------------------------------------------------------------------
-- insert
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('trip_owner');
select lives_ok($$insert into public.trips (id, user_id, name, destination, start_date, end_date)
  values ('a1000000-0000-4000-8000-000000000004', tests.get_supabase_uid('trip_owner'), 'Faro', 'Faro, PT',
          '2026-08-01', '2026-08-02')$$,
  'insert: a user creates a trip they own');

select tests.authenticate_as('trip_admin');
select throws_ok($$insert into public.trips (user_id, name, destination, start_date, end_date)
  values (tests.get_supabase_uid('trip_owner'), 'Planted', 'X', '2026-08-01', '2026-08-02')$$,
  '42501', null, 'insert: an admin collaborator cannot create a trip naming the owner');

select tests.authenticate_as('trip_editor');
select throws_ok($$insert into public.trips (user_id, name, destination, start_date, end_date)
  values (tests.get_supabase_uid('trip_owner'), 'Planted', 'X', '2026-08-01', '2026-08-02')$$,
  '42501', null, 'insert: an editor collaborator cannot create a trip naming the owner');

select tests.authenticate_as('trip_viewer');
select lives_ok($$insert into public.trips (id, user_id, name, destination, start_date, end_date)
  values ('a1000000-0000-4000-8000-000000000005', tests.get_supabase_uid('trip_viewer'), 'Own', 'Own',
          '2026-08-01', '2026-08-02')$$,
  'insert: a viewer collaborator creates a trip of their own');

select tests.authenticate_as('stranger');
select throws_ok($$insert into public.trips (user_id, name, destination, start_date, end_date)
  values (tests.get_supabase_uid('trip_owner'), 'Planted', 'X', '2026-08-01', '2026-08-02')$$,
  '42501', null, 'insert: another user cannot create a trip naming someone else');

select tests.clear_authentication();
select throws_ok($$insert into public.trips (user_id, name, destination, start_date, end_date)
  values (tests.get_supabase_uid('trip_owner'), 'Anon', 'X', '2026-08-01', '2026-08-02')$$,
  '42501', null, 'insert: anon cannot create trips');

select tests.authenticate_as_service_role();
select lives_ok($$insert into public.trips (id, user_id, name, destination, start_date, end_date)
  values ('a1000000-0000-4000-8000-000000000006', tests.get_supabase_uid('trip_owner'), 'Service', 'S',
          '2026-08-01', '2026-08-02')$$,
  'insert: service_role creates a trip for any user');

-- ---------------------------------------------------------------------------------------------
-- update
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('trip_owner');
select results_eq($$update public.trips set description = 'by owner'
  where id = 'a1000000-0000-4000-8000-000000000001' returning 1$$, array[1],
  'update: the owner updates their trip');

select tests.authenticate_as('trip_admin');
select results_eq($$update public.trips set description = 'by admin'
  where id = 'a1000000-0000-4000-8000-000000000001' returning 1$$, array[1],
  'update: an admin collaborator updates the trip');

select tests.authenticate_as('trip_editor');
select results_eq($$update public.trips set description = 'by editor'
  where id = 'a1000000-0000-4000-8000-000000000001' returning 1$$, array[1],
  'update: an editor collaborator updates the trip');

select tests.authenticate_as('trip_viewer');
select is_empty($$update public.trips set description = 'by viewer'
  where id = 'a1000000-0000-4000-8000-000000000001' returning 1$$,
  'update: a viewer collaborator updates nothing');

select tests.authenticate_as('stranger');
select is_empty($$update public.trips set description = 'by stranger'
  where id = 'a1000000-0000-4000-8000-000000000001' returning 1$$,
  'update: another user updates nothing');

select tests.clear_authentication();
select throws_ok($$update public.trips set description = 'by anon'
  where id = 'a1000000-0000-4000-8000-000000000001'$$, '42501', null,
  'update: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$update public.trips set description = 'by service'
  where id = 'a1000000-0000-4000-8000-000000000001' returning 1$$, array[1],
  'update: service_role updates any trip');

select tests.authenticate_as_service_role();
select results_eq($$select description from public.trips where id = 'a1000000-0000-4000-8000-000000000001'$$,
  array['by service'], 'update: neither the viewer nor the stranger changed the trip');

select results_eq($$select updated_at > '2020-01-01'::timestamptz from public.trips
  where id = 'a1000000-0000-4000-8000-000000000001'$$, array[true],
  'update: the updated_at trigger bumps updated_at');

-- ---------------------------------------------------------------------------------------------
-- frozen owner column
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('trip_owner');
select throws_ok($$update public.trips set user_id = tests.get_supabase_uid('stranger')
  where id = 'a1000000-0000-4000-8000-000000000001'$$, '42501', null,
  'frozen: the owner cannot hand the trip to another user (user_id)');

select tests.authenticate_as('trip_editor');
select throws_ok($$update public.trips set user_id = tests.get_supabase_uid('trip_editor')
  where id = 'a1000000-0000-4000-8000-000000000001'$$, '42501', null,
  'frozen: an editor cannot take over the trip (user_id)');

select tests.authenticate_as_service_role();
select results_eq($$update public.trips set user_id = tests.get_supabase_uid('trip_viewer')
  where id = 'a1000000-0000-4000-8000-000000000006' returning user_id$$,
  $$select tests.get_supabase_uid('trip_viewer')$$,
  'frozen: service_role may transfer a trip');

select throws_ok($$update public.trips set user_id = tests.get_supabase_uid('trip_editor')
  where id = 'a1000000-0000-4000-8000-000000000001'$$, '23514', null,
  'frozen: not even service_role can transfer a trip to one of its collaborators');

-- ---------------------------------------------------------------------------------------------
-- constraints (as the owner, so only the CHECK can refuse)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('trip_owner');
select throws_ok($$update public.trips set end_date = '2026-04-01'
  where id = 'a1000000-0000-4000-8000-000000000001'$$, '23514', null,
  'check: end_date cannot precede start_date');
select throws_ok($$update public.trips set budget = 0
  where id = 'a1000000-0000-4000-8000-000000000001'$$, '23514', null,
  'check: budget must be positive when set');
select throws_ok($$update public.trips set currency = 'usd'
  where id = 'a1000000-0000-4000-8000-000000000001'$$, '23514', null,
  'check: currency is an upper-case ISO code');
select throws_ok($$update public.trips set travelers = 0
  where id = 'a1000000-0000-4000-8000-000000000001'$$, '23514', null,
  'check: travelers is between 1 and 100');
select throws_ok($$update public.trips set status = 'archived'
  where id = 'a1000000-0000-4000-8000-000000000001'$$, '23514', null,
  'check: status is one of the enumerated values');
select throws_ok($$update public.trips set name = ''
  where id = 'a1000000-0000-4000-8000-000000000001'$$, '23514', null,
  'check: name is not empty');

-- ---------------------------------------------------------------------------------------------
-- delete (only the owner, or service_role)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('trip_admin');
select is_empty($$delete from public.trips where id = 'a1000000-0000-4000-8000-000000000002' returning 1$$,
  'delete: an admin collaborator deletes nothing');

select tests.authenticate_as('trip_editor');
select is_empty($$delete from public.trips where id = 'a1000000-0000-4000-8000-000000000002' returning 1$$,
  'delete: an editor collaborator deletes nothing');

select tests.authenticate_as('trip_viewer');
select is_empty($$delete from public.trips where id = 'a1000000-0000-4000-8000-000000000002' returning 1$$,
  'delete: a viewer collaborator deletes nothing');

select tests.authenticate_as('stranger');
select is_empty($$delete from public.trips where id = 'a1000000-0000-4000-8000-000000000002' returning 1$$,
  'delete: another user deletes nothing');

select tests.clear_authentication();
select throws_ok($$delete from public.trips where id = 'a1000000-0000-4000-8000-000000000002'$$,
  '42501', null, 'delete: anon has no privilege');

select tests.authenticate_as('trip_owner');
select results_eq($$delete from public.trips where id = 'a1000000-0000-4000-8000-000000000002' returning 1$$,
  array[1], 'delete: the owner deletes their trip');

select tests.authenticate_as_service_role();
select is_empty($$select 1 from public.trip_collaborators where trip_id = 'a1000000-0000-4000-8000-000000000002'$$,
  'delete: deleting a trip cascades to its collaborators');

select results_eq($$delete from public.trips where id = 'a1000000-0000-4000-8000-000000000003' returning 1$$,
  array[1], 'delete: service_role deletes any trip');

select * from finish();
rollback;

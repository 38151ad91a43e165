-- public.flights: the trip-item access matrix (owner / admin / editor / viewer / stranger / anon /
-- service_role × select / insert / update / delete), moving a row between trips, and the CHECKs.
--
-- Trip a1000000…21 (owner i_owner; i_admin admin, i_editor editor, i_viewer viewer) holds flight f1000000…21;
-- trip …22 (i_owner) has no collaborators; trip …23 (i_owner) has i_editor only as a viewer;
-- trip …29 belongs to stranger and holds flight f1000000…29. Rows …31-34 are created by the insert cells
-- (owner, admin, editor, service_role) and removed by the delete cells.
begin;
select plan(40);

select tests.create_supabase_user('i_owner');
select tests.create_supabase_user('i_admin');
select tests.create_supabase_user('i_editor');
select tests.create_supabase_user('i_viewer');
select tests.create_supabase_user('stranger');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values
  ('a1000000-0000-4000-8000-000000000021', tests.get_supabase_uid('i_owner'), 'Lisbon', 'Lisbon, PT', '2026-05-01', '2026-05-08'),
  ('a1000000-0000-4000-8000-000000000022', tests.get_supabase_uid('i_owner'), 'Porto', 'Porto, PT', '2026-06-01', '2026-06-03'),
  ('a1000000-0000-4000-8000-000000000023', tests.get_supabase_uid('i_owner'), 'Braga', 'Braga, PT', '2026-07-01', '2026-07-03'),
  ('a1000000-0000-4000-8000-000000000029', tests.get_supabase_uid('stranger'), 'Oslo', 'Oslo, NO', '2026-07-01', '2026-07-04');

insert into public.trip_collaborators (trip_id, user_id, role)
values
  ('a1000000-0000-4000-8000-000000000021', tests.get_supabase_uid('i_admin'), 'admin'),
  ('a1000000-0000-4000-8000-000000000021', tests.get_supabase_uid('i_editor'), 'editor'),
  ('a1000000-0000-4000-8000-000000000021', tests.get_supabase_uid('i_viewer'), 'viewer'),
  ('a1000000-0000-4000-8000-000000000023', tests.get_supabase_uid('i_editor'), 'viewer');

insert into public.flights (id, trip_id, origin, destination, departure_date, price) values ('f1000000-0000-4000-8000-000000000021', 'a1000000-0000-4000-8000-000000000021', 'LIS', 'OPO', '2026-05-01', 120);
insert into public.flights (id, trip_id, origin, destination, departure_date, price) values ('f1000000-0000-4000-8000-000000000029', 'a1000000-0000-4000-8000-000000000029', 'LIS', 'OPO', '2026-05-01', 120);


-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select set_eq($$select id from public.flights$$, array['f1000000-0000-4000-8000-000000000021']::uuid[],
  'select: the owner sees the trip''s flights and nothing else');
select tests.authenticate_as('i_admin');
select set_eq($$select id from public.flights$$, array['f1000000-0000-4000-8000-000000000021']::uuid[],
  'select: an admin collaborator sees the trip''s flights and nothing else');
select tests.authenticate_as('i_editor');
select set_eq($$select id from public.flights$$, array['f1000000-0000-4000-8000-000000000021']::uuid[],
  'select: an editor collaborator sees the trip''s flights and nothing else');
select tests.authenticate_as('i_viewer');
select set_eq($$select id from public.flights$$, array['f1000000-0000-4000-8000-000000000021']::uuid[],
  'select: a viewer collaborator sees the trip''s flights and nothing else');
select tests.authenticate_as('stranger');
select set_eq($$select id from public.flights$$, array['f1000000-0000-4000-8000-000000000029']::uuid[],
  'select: another user sees only their own trip''s flights');
select tests.clear_authentication();
select throws_ok($$select id from public.flights$$, '42501', null, 'select: anon has no privilege');
select tests.authenticate_as_service_role();
select set_eq($$select id from public.flights where id in ('f1000000-0000-4000-8000-000000000021', 'f1000000-0000-4000-8000-000000000029')$$, array['f1000000-0000-4000-8000-000000000021', 'f1000000-0000-4000-8000-000000000029']::uuid[],
  'select: service_role sees every flight');

-- ---------------------------------------------------------------------------------------------
-- insert
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select lives_ok($$insert into public.flights (id, trip_id, origin, destination, departure_date, price) values ('f1000000-0000-4000-8000-000000000031', 'a1000000-0000-4000-8000-000000000021', 'LIS', 'OPO', '2026-05-01', 120)$$,
  'insert: the owner adds a flight');
select tests.authenticate_as('i_admin');
select lives_ok($$insert into public.flights (id, trip_id, origin, destination, departure_date, price) values ('f1000000-0000-4000-8000-000000000032', 'a1000000-0000-4000-8000-000000000021', 'LIS', 'OPO', '2026-05-01', 120)$$,
  'insert: an admin collaborator adds a flight');
select tests.authenticate_as('i_editor');
select lives_ok($$insert into public.flights (id, trip_id, origin, destination, departure_date, price) values ('f1000000-0000-4000-8000-000000000033', 'a1000000-0000-4000-8000-000000000021', 'LIS', 'OPO', '2026-05-01', 120)$$,
  'insert: an editor collaborator adds a flight');
select tests.authenticate_as('i_viewer');
select throws_ok($$insert into public.flights (trip_id, origin, destination, departure_date, price) values ('a1000000-0000-4000-8000-000000000021', 'LIS', 'OPO', '2026-05-01', 120)$$,
  '42501', null, 'insert: a viewer collaborator cannot add a flight');
select tests.authenticate_as('stranger');
select throws_ok($$insert into public.flights (trip_id, origin, destination, departure_date, price) values ('a1000000-0000-4000-8000-000000000021', 'LIS', 'OPO', '2026-05-01', 120)$$,
  '42501', null, 'insert: another user cannot add a flight to the trip');
select tests.clear_authentication();
select throws_ok($$insert into public.flights (trip_id, origin, destination, departure_date, price) values ('a1000000-0000-4000-8000-000000000021', 'LIS', 'OPO', '2026-05-01', 120)$$,
  '42501', null, 'insert: anon has no privilege');
select tests.authenticate_as_service_role();
select lives_ok($$insert into public.flights (id, trip_id, origin, destination, departure_date, price) values ('f1000000-0000-4000-8000-000000000034', 'a1000000-0000-4000-8000-000000000021', 'LIS', 'OPO', '2026-05-01', 120)$$,
  'insert: service_role adds a flight to any trip');

-- ---------------------------------------------------------------------------------------------
-- update
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select results_eq($$update public.flights set airline = 'i_owner' where id = 'f1000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: the owner updates the flight');
select tests.authenticate_as('i_admin');
select results_eq($$update public.flights set airline = 'i_admin' where id = 'f1000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: an admin collaborator updates the flight');
select tests.authenticate_as('i_editor');
select results_eq($$update public.flights set airline = 'i_editor' where id = 'f1000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: an editor collaborator updates the flight');
select tests.authenticate_as('i_viewer');
select is_empty($$update public.flights set airline = 'i_viewer' where id = 'f1000000-0000-4000-8000-000000000021' returning 1$$,
  'update: a viewer collaborator updates nothing');
select tests.authenticate_as('stranger');
select is_empty($$update public.flights set airline = 'stranger' where id = 'f1000000-0000-4000-8000-000000000021' returning 1$$,
  'update: another user updates nothing');
select tests.clear_authentication();
select throws_ok($$update public.flights set airline = 'anon' where id = 'f1000000-0000-4000-8000-000000000021'$$, '42501', null, 'update: anon has no privilege');
select tests.authenticate_as_service_role();
select results_eq($$update public.flights set airline = 'service' where id = 'f1000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: service_role updates any flight');

-- ---------------------------------------------------------------------------------------------
-- moving a row between trips (the new trip_id is checked too)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_editor');
select throws_ok($$update public.flights set trip_id = 'a1000000-0000-4000-8000-000000000029' where id = 'f1000000-0000-4000-8000-000000000021'$$,
  '42501', null, 'move: an editor cannot move a flight into another user''s trip');
select throws_ok($$update public.flights set trip_id = 'a1000000-0000-4000-8000-000000000023' where id = 'f1000000-0000-4000-8000-000000000021'$$,
  '42501', null, 'move: an editor cannot move a flight into a trip they only view');
select tests.authenticate_as('stranger');
select is_empty($$update public.flights set trip_id = 'a1000000-0000-4000-8000-000000000029' where id = 'f1000000-0000-4000-8000-000000000021' returning 1$$,
  'move: another user cannot pull a flight into their own trip');
select tests.authenticate_as('i_owner');
select throws_ok($$update public.flights set trip_id = 'a1000000-0000-4000-8000-000000000029' where id = 'f1000000-0000-4000-8000-000000000021'$$,
  '42501', null, 'move: the owner cannot push a flight into another user''s trip');
select results_eq($$update public.flights set trip_id = 'a1000000-0000-4000-8000-000000000022' where id = 'f1000000-0000-4000-8000-000000000031' returning trip_id$$,
  array['a1000000-0000-4000-8000-000000000022'::uuid], 'move: the owner moves a flight between their own trips');

-- ---------------------------------------------------------------------------------------------
-- delete
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_viewer');
select is_empty($$delete from public.flights where id = 'f1000000-0000-4000-8000-000000000021' returning 1$$,
  'delete: a viewer collaborator deletes nothing');
select tests.authenticate_as('stranger');
select is_empty($$delete from public.flights where id = 'f1000000-0000-4000-8000-000000000021' returning 1$$,
  'delete: another user deletes nothing');
select tests.clear_authentication();
select throws_ok($$delete from public.flights where id = 'f1000000-0000-4000-8000-000000000021'$$, '42501', null, 'delete: anon has no privilege');
select tests.authenticate_as('i_owner');
select results_eq($$delete from public.flights where id = 'f1000000-0000-4000-8000-000000000031' returning 1$$, array[1],
  'delete: the owner deletes a flight');
select tests.authenticate_as('i_admin');
select results_eq($$delete from public.flights where id = 'f1000000-0000-4000-8000-000000000032' returning 1$$, array[1],
  'delete: an admin collaborator deletes a flight');
select tests.authenticate_as('i_editor');
select results_eq($$delete from public.flights where id = 'f1000000-0000-4000-8000-000000000033' returning 1$$, array[1],
  'delete: an editor collaborator deletes a flight');
select tests.authenticate_as_service_role();
select results_eq($$delete from public.flights where id = 'f1000000-0000-4000-8000-000000000034' returning 1$$, array[1],
  'delete: service_role deletes any flight');
select results_eq($$select trip_id from public.flights where id = 'f1000000-0000-4000-8000-000000000021'$$, array['a1000000-0000-4000-8000-000000000021'::uuid],
  'the shared flight survived every refused move and delete');

-- ---------------------------------------------------------------------------------------------
-- constraints and links
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select throws_ok($$update public.flights set return_date = '2026-04-01' where id = 'f1000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: return_date cannot precede departure_date');
select throws_ok($$update public.flights set price = -1 where id = 'f1000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: price is not negative');
select throws_ok($$update public.flights set flight_class = 'ultra' where id = 'f1000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: flight_class is one of the enumerated values');
select throws_ok($$update public.flights set departure_time = '2026-05-01 10:00+00', arrival_time = '2026-05-01 09:00+00' where id = 'f1000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: arrival_time cannot precede departure_time');
select throws_ok($$update public.flights set booking_status = 'lost' where id = 'f1000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: booking_status is one of the enumerated values');

-- ---------------------------------------------------------------------------------------------
-- cascade
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
delete from public.trips where id = 'a1000000-0000-4000-8000-000000000021';
select tests.authenticate_as_service_role();
select is_empty($$select 1 from public.flights where trip_id = 'a1000000-0000-4000-8000-000000000021'$$,
  'cascade: deleting the trip deletes its flights');

select * from finish();
rollback;

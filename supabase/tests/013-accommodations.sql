-- public.accommodations: the trip-item access matrix (owner / admin / editor / viewer / stranger / anon /
-- service_role × select / insert / update / delete), moving a row between trips, and the CHECKs.
--
-- Trip a1000000…21 (owner i_owner; i_admin admin, i_editor editor, i_viewer viewer) holds accommodation ac000000…21;
-- trip …22 (i_owner) has no collaborators; trip …23 (i_owner) has i_editor only as a viewer;
-- trip …29 belongs to stranger and holds accommodation ac000000…29. Rows …31-34 are created by the insert cells
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

insert into public.accommodations (id, trip_id, name, check_in_date, check_out_date, price_per_night, total_price) values ('ac000000-0000-4000-8000-000000000021', 'a1000000-0000-4000-8000-000000000021', 'Hotel Avenida', '2026-05-01', '2026-05-04', 100, 300);
insert into public.accommodations (id, trip_id, name, check_in_date, check_out_date, price_per_night, total_price) values ('ac000000-0000-4000-8000-000000000029', 'a1000000-0000-4000-8000-000000000029', 'Hotel Avenida', '2026-05-01', '2026-05-04', 100, 300);


-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select set_eq($$select id from public.accommodations$$, array['ac000000-0000-4000-8000-000000000021']::uuid[],
  'select: the owner sees the trip''s accommodations and nothing else');
select tests.authenticate_as('i_admin');
select set_eq($$select id from public.accommodations$$, array['ac000000-0000-4000-8000-000000000021']::uuid[],
  'select: an admin collaborator sees the trip''s accommodations and nothing else');
select tests.authenticate_as('i_editor');
select set_eq($$select id from public.accommodations$$, array['ac000000-0000-4000-8000-000000000021']::uuid[],
  'select: an editor collaborator sees the trip''s accommodations and nothing else');
select tests.authenticate_as('i_viewer');
select set_eq($$select id from public.accommodations$$, array['ac000000-0000-4000-8000-000000000021']::uuid[],
  'select: a viewer collaborator sees the trip''s accommodations and nothing else');
select tests.authenticate_as('stranger');
select set_eq($$select id from public.accommodations$$, array['ac000000-0000-4000-8000-000000000029']::uuid[],
  'select: another user sees only their own trip''s accommodations');
select tests.clear_authentication();
select throws_ok($$select id from public.accommodations$$, '42501', null, 'select: anon has no privilege');
select tests.authenticate_as_service_role();
select set_eq($$select id from public.accommodations where id in ('ac000000-0000-4000-8000-000000000021', 'ac000000-0000-4000-8000-000000000029')$$, array['ac000000-0000-4000-8000-000000000021', 'ac000000-0000-4000-8000-000000000029']::uuid[],
  'select: service_role sees every accommodation');

-- ---------------------------------------------------------------------------------------------
-- insert
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select lives_ok($$insert into public.accommodations (id, trip_id, name, check_in_date, check_out_date, price_per_night, total_price) values ('ac000000-0000-4000-8000-000000000031', 'a1000000-0000-4000-8000-000000000021', 'Hotel Avenida', '2026-05-01', '2026-05-04', 100, 300)$$,
  'insert: the owner adds an accommodation');
select tests.authenticate_as('i_admin');
select lives_ok($$insert into public.accommodations (id, trip_id, name, check_in_date, check_out_date, price_per_night, total_price) values ('ac000000-0000-4000-8000-000000000032', 'a1000000-0000-4000-8000-000000000021', 'Hotel Avenida', '2026-05-01', '2026-05-04', 100, 300)$$,
  'insert: an admin collaborator adds an accommodation');
select tests.authenticate_as('i_editor');
select lives_ok($$insert into public.accommodations (id, trip_id, name, check_in_date, check_out_date, price_per_night, total_price) values ('ac000000-0000-4000-8000-000000000033', 'a1000000-0000-4000-8000-000000000021', 'Hotel Avenida', '2026-05-01', '2026-05-04', 100, 300)$$,
  'insert: an editor collaborator adds an accommodation');
select tests.authenticate_as('i_viewer');
select throws_ok($$insert into public.accommodations (trip_id, name, check_in_date, check_out_date, price_per_night, total_price) values ('a1000000-0000-4000-8000-000000000021', 'Hotel Avenida', '2026-05-01', '2026-05-04', 100, 300)$$,
  '42501', null, 'insert: a viewer collaborator cannot add an accommodation');
select tests.authenticate_as('stranger');
select throws_ok($$insert into public.accommodations (trip_id, name, check_in_date, check_out_date, price_per_night, total_price) values ('a1000000-0000-4000-8000-000000000021', 'Hotel Avenida', '2026-05-01', '2026-05-04', 100, 300)$$,
  '42501', null, 'insert: another user cannot add an accommodation to the trip');
select tests.clear_authentication();
select throws_ok($$insert into public.accommodations (trip_id, name, check_in_date, check_out_date, price_per_night, total_price) values ('a1000000-0000-4000-8000-000000000021', 'Hotel Avenida', '2026-05-01', '2026-05-04', 100, 300)$$,
  '42501', null, 'insert: anon has no privilege');
select tests.authenticate_as_service_role();
select lives_ok($$insert into public.accommodations (id, trip_id, name, check_in_date, check_out_date, price_per_night, total_price) values ('ac000000-0000-4000-8000-000000000034', 'a1000000-0000-4000-8000-000000000021', 'Hotel Avenida', '2026-05-01', '2026-05-04', 100, 300)$$,
  'insert: service_role adds an accommodation to any trip');

-- ---------------------------------------------------------------------------------------------
-- update
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select results_eq($$update public.accommodations set room_type = 'i_owner' where id = 'ac000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: the owner updates the accommodation');
select tests.authenticate_as('i_admin');
select results_eq($$update public.accommodations set room_type = 'i_admin' where id = 'ac000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: an admin collaborator updates the accommodation');
select tests.authenticate_as('i_editor');
select results_eq($$update public.accommodations set room_type = 'i_editor' where id = 'ac000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: an editor collaborator updates the accommodation');
select tests.authenticate_as('i_viewer');
select is_empty($$update public.accommodations set room_type = 'i_viewer' where id = 'ac000000-0000-4000-8000-000000000021' returning 1$$,
  'update: a viewer collaborator updates nothing');
select tests.authenticate_as('stranger');
select is_empty($$update public.accommodations set room_type = 'stranger' where id = 'ac000000-0000-4000-8000-000000000021' returning 1$$,
  'update: another user updates nothing');
select tests.clear_authentication();
select throws_ok($$update public.accommodations set room_type = 'anon' where id = 'ac000000-0000-4000-8000-000000000021'$$, '42501', null, 'update: anon has no privilege');
select tests.authenticate_as_service_role();
select results_eq($$update public.accommodations set room_type = 'service' where id = 'ac000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: service_role updates any accommodation');

-- ---------------------------------------------------------------------------------------------
-- moving a row between trips (the new trip_id is checked too)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_editor');
select throws_ok($$update public.accommodations set trip_id = 'a1000000-0000-4000-8000-000000000029' where id = 'ac000000-0000-4000-8000-000000000021'$$,
  '42501', null, 'move: an editor cannot move an accommodation into another user''s trip');
select throws_ok($$update public.accommodations set trip_id = 'a1000000-0000-4000-8000-000000000023' where id = 'ac000000-0000-4000-8000-000000000021'$$,
  '42501', null, 'move: an editor cannot move an accommodation into a trip they only view');
select tests.authenticate_as('stranger');
select is_empty($$update public.accommodations set trip_id = 'a1000000-0000-4000-8000-000000000029' where id = 'ac000000-0000-4000-8000-000000000021' returning 1$$,
  'move: another user cannot pull an accommodation into their own trip');
select tests.authenticate_as('i_owner');
select throws_ok($$update public.accommodations set trip_id = 'a1000000-0000-4000-8000-000000000029' where id = 'ac000000-0000-4000-8000-000000000021'$$,
  '42501', null, 'move: the owner cannot push an accommodation into another user''s trip');
select results_eq($$update public.accommodations set trip_id = 'a1000000-0000-4000-8000-000000000022' where id = 'ac000000-0000-4000-8000-000000000031' returning trip_id$$,
  array['a1000000-0000-4000-8000-000000000022'::uuid], 'move: the owner moves an accommodation between their own trips');

-- ---------------------------------------------------------------------------------------------
-- delete
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_viewer');
select is_empty($$delete from public.accommodations where id = 'ac000000-0000-4000-8000-000000000021' returning 1$$,
  'delete: a viewer collaborator deletes nothing');
select tests.authenticate_as('stranger');
select is_empty($$delete from public.accommodations where id = 'ac000000-0000-4000-8000-000000000021' returning 1$$,
  'delete: another user deletes nothing');
select tests.clear_authentication();
select throws_ok($$delete from public.accommodations where id = 'ac000000-0000-4000-8000-000000000021'$$, '42501', null, 'delete: anon has no privilege');
select tests.authenticate_as('i_owner');
select results_eq($$delete from public.accommodations where id = 'ac000000-0000-4000-8000-000000000031' returning 1$$, array[1],
  'delete: the owner deletes an accommodation');
select tests.authenticate_as('i_admin');
select results_eq($$delete from public.accommodations where id = 'ac000000-0000-4000-8000-000000000032' returning 1$$, array[1],
  'delete: an admin collaborator deletes an accommodation');
select tests.authenticate_as('i_editor');
select results_eq($$delete from public.accommodations where id = 'ac000000-0000-4000-8000-000000000033' returning 1$$, array[1],
  'delete: an editor collaborator deletes an accommodation');
select tests.authenticate_as_service_role();
select results_eq($$delete from public.accommodations where id = 'ac000000-0000-4000-8000-000000000034' returning 1$$, array[1],
  'delete: service_role deletes any accommodation');
select results_eq($$select trip_id from public.accommodations where id = 'ac000000-0000-4000-8000-000000000021'$$, array['a1000000-0000-4000-8000-000000000021'::uuid],
  'the shared accommodation survived every refused move and delete');

-- ---------------------------------------------------------------------------------------------
-- constraints and links
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select throws_ok($$update public.accommodations set check_out_date = check_in_date where id = 'ac000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: check_out_date is after check_in_date');
select throws_ok($$update public.accommodations set rating = 5.5 where id = 'ac000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: rating is between 0 and 5');
select throws_ok($$update public.accommodations set total_price = -1 where id = 'ac000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: total_price is not negative');
select throws_ok($$update public.accommodations set price_per_night = -1 where id = 'ac000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: price_per_night is not negative');
select throws_ok($$update public.accommodations set name = '' where id = 'ac000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: name is not empty');

-- ---------------------------------------------------------------------------------------------
-- cascade
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
delete from public.trips where id = 'a1000000-0000-4000-8000-000000000021';
select tests.authenticate_as_service_role();
select is_empty($$select 1 from public.accommodations where trip_id = 'a1000000-0000-4000-8000-000000000021'$$,
  'cascade: deleting the trip deletes its accommodations');

select * from finish();
rollback;

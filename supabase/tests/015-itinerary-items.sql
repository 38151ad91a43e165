-- public.itinerary_items: the trip-item access matrix (owner / admin / editor / viewer / stranger / anon /
-- service_role × select / insert / update / delete), moving a row between trips, and the CHECKs.
--
-- Trip a1000000…21 (owner i_owner; i_admin admin, i_editor editor, i_viewer viewer) holds itinerary item c1000000…21;
-- trip …22 (i_owner) has no collaborators; trip …23 (i_owner) has i_editor only as a viewer;
-- trip …29 belongs to stranger and holds itinerary item c1000000…29. Rows …31-34 are created by the insert cells
-- (owner, admin, editor, service_role) and removed by the delete cells.
begin;
select plan(44);

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

insert into public.flights (id, trip_id, origin, destination, departure_date, price)
values ('f1000000-0000-4000-8000-000000000021', 'a1000000-0000-4000-8000-000000000021', 'LIS', 'OPO', '2026-05-01', 120),
       ('f1000000-0000-4000-8000-000000000022', 'a1000000-0000-4000-8000-000000000022', 'OPO', 'LIS', '2026-06-03', 90);
insert into public.accommodations (id, trip_id, name, check_in_date, check_out_date, price_per_night, total_price)
values ('ac000000-0000-4000-8000-000000000021', 'a1000000-0000-4000-8000-000000000021', 'Hotel Lisboa', '2026-05-01', '2026-05-08', 100, 700),
       ('ac000000-0000-4000-8000-000000000022', 'a1000000-0000-4000-8000-000000000022', 'Hotel Porto', '2026-06-01', '2026-06-03', 80, 160);
insert into public.itinerary_items (id, trip_id, title, item_type, day) values ('c1000000-0000-4000-8000-000000000021', 'a1000000-0000-4000-8000-000000000021', 'Tram 28', 'activity', '2026-05-02');
insert into public.itinerary_items (id, trip_id, title, item_type, day) values ('c1000000-0000-4000-8000-000000000029', 'a1000000-0000-4000-8000-000000000029', 'Tram 28', 'activity', '2026-05-02');


-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select set_eq($$select id from public.itinerary_items$$, array['c1000000-0000-4000-8000-000000000021']::uuid[],
  'select: the owner sees the trip''s itinerary items and nothing else');
select tests.authenticate_as('i_admin');
select set_eq($$select id from public.itinerary_items$$, array['c1000000-0000-4000-8000-000000000021']::uuid[],
  'select: an admin collaborator sees the trip''s itinerary items and nothing else');
select tests.authenticate_as('i_editor');
select set_eq($$select id from public.itinerary_items$$, array['c1000000-0000-4000-8000-000000000021']::uuid[],
  'select: an editor collaborator sees the trip''s itinerary items and nothing else');
select tests.authenticate_as('i_viewer');
select set_eq($$select id from public.itinerary_items$$, array['c1000000-0000-4000-8000-000000000021']::uuid[],
  'select: a viewer collaborator sees the trip''s itinerary items and nothing else');
select tests.authenticate_as('stranger');
select set_eq($$select id from public.itinerary_items$$, array['c1000000-0000-4000-8000-000000000029']::uuid[],
  'select: another user sees only their own trip''s itinerary items');
select tests.clear_authentication();
select throws_ok($$select id from public.itinerary_items$$, '42501', null, 'select: anon has no privilege');
select tests.authenticate_as_service_role();
select set_eq($$select id from public.itinerary_items where id in ('c1000000-0000-4000-8000-000000000021', 'c1000000-0000-4000-8000-000000000029')$$, array['c1000000-0000-4000-8000-000000000021', 'c1000000-0000-4000-8000-000000000029']::uuid[],
  'select: service_role sees every itinerary item');

-- ---------------------------------------------------------------------------------------------
-- insert
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select lives_ok($$insert into public.itinerary_items (id, trip_id, title, item_type, day) values ('c1000000-0000-4000-8000-000000000031', 'a1000000-0000-4000-8000-000000000021', 'Tram 28', 'activity', '2026-05-02')$$,
  'insert: the owner adds an itinerary item');
select tests.authenticate_as('i_admin');
select lives_ok($$insert into public.itinerary_items (id, trip_id, title, item_type, day) values ('c1000000-0000-4000-8000-000000000032', 'a1000000-0000-4000-8000-000000000021', 'Tram 28', 'activity', '2026-05-02')$$,
  'insert: an admin collaborator adds an itinerary item');
select tests.authenticate_as('i_editor');
select lives_ok($$insert into public.itinerary_items (id, trip_id, title, item_type, day) values ('c1000000-0000-4000-8000-000000000033', 'a1000000-0000-4000-8000-000000000021', 'Tram 28', 'activity', '2026-05-02')$$,
  'insert: an editor collaborator adds an itinerary item');
select tests.authenticate_as('i_viewer');
select throws_ok($$insert into public.itinerary_items (trip_id, title, item_type, day) values ('a1000000-0000-4000-8000-000000000021', 'Tram 28', 'activity', '2026-05-02')$$,
  '42501', null, 'insert: a viewer collaborator cannot add an itinerary item');
select tests.authenticate_as('stranger');
select throws_ok($$insert into public.itinerary_items (trip_id, title, item_type, day) values ('a1000000-0000-4000-8000-000000000021', 'Tram 28', 'activity', '2026-05-02')$$,
  '42501', null, 'insert: another user cannot add an itinerary item to the trip');
select tests.clear_authentication();
select throws_ok($$insert into public.itinerary_items (trip_id, title, item_type, day) values ('a1000000-0000-4000-8000-000000000021', 'Tram 28', 'activity', '2026-05-02')$$,
  '42501', null, 'insert: anon has no privilege');
select tests.authenticate_as_service_role();
select lives_ok($$insert into public.itinerary_items (id, trip_id, title, item_type, day) values ('c1000000-0000-4000-8000-000000000034', 'a1000000-0000-4000-8000-000000000021', 'Tram 28', 'activity', '2026-05-02')$$,
  'insert: service_role adds an itinerary item to any trip');

-- ---------------------------------------------------------------------------------------------
-- update
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select results_eq($$update public.itinerary_items set title = 'i_owner' where id = 'c1000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: the owner updates the itinerary item');
select tests.authenticate_as('i_admin');
select results_eq($$update public.itinerary_items set title = 'i_admin' where id = 'c1000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: an admin collaborator updates the itinerary item');
select tests.authenticate_as('i_editor');
select results_eq($$update public.itinerary_items set title = 'i_editor' where id = 'c1000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: an editor collaborator updates the itinerary item');
select tests.authenticate_as('i_viewer');
select is_empty($$update public.itinerary_items set title = 'i_viewer' where id = 'c1000000-0000-4000-8000-000000000021' returning 1$$,
  'update: a viewer collaborator updates nothing');
select tests.authenticate_as('stranger');
select is_empty($$update public.itinerary_items set title = 'stranger' where id = 'c1000000-0000-4000-8000-000000000021' returning 1$$,
  'update: another user updates nothing');
select tests.clear_authentication();
select throws_ok($$update public.itinerary_items set title = 'anon' where id = 'c1000000-0000-4000-8000-000000000021'$$, '42501', null, 'update: anon has no privilege');
select tests.authenticate_as_service_role();
select results_eq($$update public.itinerary_items set title = 'service' where id = 'c1000000-0000-4000-8000-000000000021' returning 1$$, array[1],
  'update: service_role updates any itinerary item');

-- ---------------------------------------------------------------------------------------------
-- moving a row between trips (the new trip_id is checked too)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_editor');
select throws_ok($$update public.itinerary_items set trip_id = 'a1000000-0000-4000-8000-000000000029' where id = 'c1000000-0000-4000-8000-000000000021'$$,
  '42501', null, 'move: an editor cannot move an itinerary item into another user''s trip');
select throws_ok($$update public.itinerary_items set trip_id = 'a1000000-0000-4000-8000-000000000023' where id = 'c1000000-0000-4000-8000-000000000021'$$,
  '42501', null, 'move: an editor cannot move an itinerary item into a trip they only view');
select tests.authenticate_as('stranger');
select is_empty($$update public.itinerary_items set trip_id = 'a1000000-0000-4000-8000-000000000029' where id = 'c1000000-0000-4000-8000-000000000021' returning 1$$,
  'move: another user cannot pull an itinerary item into their own trip');
select tests.authenticate_as('i_owner');
select throws_ok($$update public.itinerary_items set trip_id = 'a1000000-0000-4000-8000-000000000029' where id = 'c1000000-0000-4000-8000-000000000021'$$,
  '42501', null, 'move: the owner cannot push an itinerary item into another user''s trip');
select results_eq($$update public.itinerary_items set trip_id = 'a1000000-0000-4000-8000-000000000022' where id = 'c1000000-0000-4000-8000-000000000031' returning trip_id$$,
  array['a1000000-0000-4000-8000-000000000022'::uuid], 'move: the owner moves an itinerary item between their own trips');

-- ---------------------------------------------------------------------------------------------
-- delete
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_viewer');
select is_empty($$delete from public.itinerary_items where id = 'c1000000-0000-4000-8000-000000000021' returning 1$$,
  'delete: a viewer collaborator deletes nothing');
select tests.authenticate_as('stranger');
select is_empty($$delete from public.itinerary_items where id = 'c1000000-0000-4000-8000-000000000021' returning 1$$,
  'delete: another user deletes nothing');
select tests.clear_authentication();
select throws_ok($$delete from public.itinerary_items where id = 'c1000000-0000-4000-8000-000000000021'$$, '42501', null, 'delete: anon has no privilege');
select tests.authenticate_as('i_owner');
select results_eq($$delete from public.itinerary_items where id = 'c1000000-0000-4000-8000-000000000031' returning 1$$, array[1],
  'delete: the owner deletes an itinerary item');
select tests.authenticate_as('i_admin');
select results_eq($$delete from public.itinerary_items where id = 'c1000000-0000-4000-8000-000000000032' returning 1$$, array[1],
  'delete: an admin collaborator deletes an itinerary item');
select tests.authenticate_as('i_editor');
select results_eq($$delete from public.itinerary_items where id = 'c1000000-0000-4000-8000-000000000033' returning 1$$, array[1],
  'delete: an editor collaborator deletes an itinerary item');
select tests.authenticate_as_service_role();
select results_eq($$delete from public.itinerary_items where id = 'c1000000-0000-4000-8000-000000000034' returning 1$$, array[1],
  'delete: service_role deletes any itinerary item');
select results_eq($$select trip_id from public.itinerary_items where id = 'c1000000-0000-4000-8000-000000000021'$$, array['a1000000-0000-4000-8000-000000000021'::uuid],
  'the shared itinerary item survived every refused move and delete');

-- ---------------------------------------------------------------------------------------------
-- constraints and links
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
select throws_ok($$update public.itinerary_items set item_type = 'party' where id = 'c1000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: item_type is one of the enumerated values');
select throws_ok($$update public.itinerary_items set start_time = '2026-05-02 10:00+00', end_time = '2026-05-02 09:00+00' where id = 'c1000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: end_time cannot precede start_time');
select throws_ok($$update public.itinerary_items set title = '' where id = 'c1000000-0000-4000-8000-000000000021'$$, '23514', null, 'check: title is not empty');
select lives_ok($$update public.itinerary_items set flight_id = 'f1000000-0000-4000-8000-000000000021' where id = 'c1000000-0000-4000-8000-000000000021'$$, 'booking link: an item references a flight of its own trip');
select throws_ok($$update public.itinerary_items set flight_id = 'f1000000-0000-4000-8000-000000000022' where id = 'c1000000-0000-4000-8000-000000000021'$$, '23503', null, 'booking link: an item cannot reference a flight of another trip');
select throws_ok($$update public.itinerary_items set accommodation_id = 'ac000000-0000-4000-8000-000000000022' where id = 'c1000000-0000-4000-8000-000000000021'$$, '23503', null, 'booking link: an item cannot reference an accommodation of another trip');
select lives_ok($$update public.itinerary_items set accommodation_id = 'ac000000-0000-4000-8000-000000000021' where id = 'c1000000-0000-4000-8000-000000000021'$$, 'booking link: an item references an accommodation of its own trip');
select lives_ok($$delete from public.flights where id = 'f1000000-0000-4000-8000-000000000021'$$, 'booking link: the owner deletes the linked flight');
select results_eq($$select flight_id is null, accommodation_id is not null, trip_id from public.itinerary_items where id = 'c1000000-0000-4000-8000-000000000021'$$, $$values (true, true, 'a1000000-0000-4000-8000-000000000021'::uuid)$$, 'booking link: deleting the flight clears only flight_id and keeps the item on its trip');

-- ---------------------------------------------------------------------------------------------
-- cascade
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('i_owner');
delete from public.trips where id = 'a1000000-0000-4000-8000-000000000021';
select tests.authenticate_as_service_role();
select is_empty($$select 1 from public.itinerary_items where trip_id = 'a1000000-0000-4000-8000-000000000021'$$,
  'cascade: deleting the trip deletes its itinerary items');

select * from finish();
rollback;

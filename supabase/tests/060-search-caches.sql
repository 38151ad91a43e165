-- Search caches (search_destinations, search_flights, search_hotels, search_activities): owner-only
-- access (owner / another user / anon / service_role × select / insert / update / delete), no
-- cross-tenant writes, one row per (user, query hash), and the hash CHECK. A cache hit must never
-- cross tenants: both users below cache the very same query.
--
-- For table code XX (b2 destinations, b3 flights, b4 hotels, b5 activities): XX…01 is sc_owner's
-- row, XX…09 stranger's row for the same query, XX…02/03 are created by the insert cells.
begin;
select plan(80);

select tests.create_supabase_user('sc_owner');
select tests.create_supabase_user('stranger');

insert into public.search_destinations (id, user_id, query_hash, query, results, source, expires_at)
values
  ('b2000000-0000-4000-8000-000000000001', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{"q": "lisbon"}', '[{"owner": true}]', 'test', now() + interval '1 hour'),
  ('b2000000-0000-4000-8000-000000000009', tests.get_supabase_uid('stranger'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{"q": "lisbon"}', '[{"owner": false}]', 'test', now() + interval '1 hour');
insert into public.search_flights (id, user_id, query_hash, query, results, source, expires_at)
values
  ('b3000000-0000-4000-8000-000000000001', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{"q": "lisbon"}', '[{"owner": true}]', 'test', now() + interval '1 hour'),
  ('b3000000-0000-4000-8000-000000000009', tests.get_supabase_uid('stranger'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{"q": "lisbon"}', '[{"owner": false}]', 'test', now() + interval '1 hour');
insert into public.search_hotels (id, user_id, query_hash, query, results, source, expires_at)
values
  ('b4000000-0000-4000-8000-000000000001', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{"q": "lisbon"}', '[{"owner": true}]', 'test', now() + interval '1 hour'),
  ('b4000000-0000-4000-8000-000000000009', tests.get_supabase_uid('stranger'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{"q": "lisbon"}', '[{"owner": false}]', 'test', now() + interval '1 hour');
insert into public.search_activities (id, user_id, query_hash, query, results, source, expires_at)
values
  ('b5000000-0000-4000-8000-000000000001', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{"q": "lisbon"}', '[{"owner": true}]', 'test', now() + interval '1 hour'),
  ('b5000000-0000-4000-8000-000000000009', tests.get_supabase_uid('stranger'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{"q": "lisbon"}', '[{"owner": false}]', 'test', now() + interval '1 hour');

-- ---------------------------------------------------------------------------------------------
-- search_destinations
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('sc_owner');
select results_eq($$select id, results from public.search_destinations where query_hash = encode(sha256('{"q":"lisbon"}'), 'hex')$$,
  $$values ('b2000000-0000-4000-8000-000000000001'::uuid, '[{"owner": true}]'::jsonb)$$,
  'search_destinations select: the owner''s cache hit is their own row, not the stranger''s for the same query');
select tests.authenticate_as('stranger');
select set_eq($$select id from public.search_destinations$$, array['b2000000-0000-4000-8000-000000000009']::uuid[],
  'search_destinations select: another user sees only their own row');
select tests.clear_authentication();
select throws_ok($$select id from public.search_destinations$$, '42501', null, 'search_destinations select: anon has no privilege');
select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.search_destinations where id in ('b2000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000009')$$, array[2],
  'search_destinations select: service_role sees every row');
select tests.authenticate_as('sc_owner');
select lives_ok($$insert into public.search_destinations (id, user_id, query_hash, query, results, expires_at)
  values ('b2000000-0000-4000-8000-000000000002', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"porto"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  'search_destinations insert: the owner caches a result');
select throws_ok($$insert into public.search_destinations (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  '23505', null, 'search_destinations insert: one row per user and query hash');
select throws_ok($$insert into public.search_destinations (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), 'LISBON', '{}', '[]', now() + interval '1 hour')$$,
  '23514', null, 'search_destinations check: query_hash is sha256 hex');
select tests.authenticate_as('stranger');
select throws_ok($$insert into public.search_destinations (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '["poisoned"]', now() + interval '1 hour')$$,
  '42501', null, 'search_destinations insert: another user cannot plant a row in the owner''s cache');
select tests.clear_authentication();
select throws_ok($$insert into public.search_destinations (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  '42501', null, 'search_destinations insert: anon has no privilege');
select tests.authenticate_as_service_role();
select lives_ok($$insert into public.search_destinations (id, user_id, query_hash, query, results, expires_at)
  values ('b2000000-0000-4000-8000-000000000003', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  'search_destinations insert: service_role caches for any user');
select tests.authenticate_as('sc_owner');
select results_eq($$update public.search_destinations set expires_at = now() + interval '2 hours' where id = 'b2000000-0000-4000-8000-000000000001' returning 1$$, array[1],
  'search_destinations update: the owner refreshes their row');
select throws_ok($$update public.search_destinations set user_id = tests.get_supabase_uid('stranger') where id = 'b2000000-0000-4000-8000-000000000002'$$,
  '42501', null, 'search_destinations update: the owner cannot move a row into another user''s cache');
select tests.authenticate_as('stranger');
select is_empty($$update public.search_destinations set results = '["poisoned"]' where id = 'b2000000-0000-4000-8000-000000000001' returning 1$$,
  'search_destinations update: another user cannot poison the owner''s row');
select tests.clear_authentication();
select throws_ok($$update public.search_destinations set results = '[]'$$, '42501', null, 'search_destinations update: anon has no privilege');
select tests.authenticate_as_service_role();
select results_eq($$update public.search_destinations set source = 'service' where id = 'b2000000-0000-4000-8000-000000000009' returning 1$$, array[1],
  'search_destinations update: service_role updates any row');
select tests.authenticate_as('stranger');
select is_empty($$delete from public.search_destinations where id = 'b2000000-0000-4000-8000-000000000001' returning 1$$,
  'search_destinations delete: another user deletes nothing');
select tests.clear_authentication();
select throws_ok($$delete from public.search_destinations$$, '42501', null, 'search_destinations delete: anon has no privilege');
select tests.authenticate_as('sc_owner');
select results_eq($$delete from public.search_destinations where id = 'b2000000-0000-4000-8000-000000000002' returning 1$$, array[1],
  'search_destinations delete: the owner evicts their row');
select tests.authenticate_as_service_role();
select results_eq($$delete from public.search_destinations where id = 'b2000000-0000-4000-8000-000000000009' returning 1$$, array[1],
  'search_destinations delete: service_role evicts any row');
select results_eq($$select results from public.search_destinations where id = 'b2000000-0000-4000-8000-000000000001'$$, $$values ('[{"owner": true}]'::jsonb)$$,
  'search_destinations: the owner''s cached results were never altered by the other user');

-- ---------------------------------------------------------------------------------------------
-- search_flights
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('sc_owner');
select results_eq($$select id, results from public.search_flights where query_hash = encode(sha256('{"q":"lisbon"}'), 'hex')$$,
  $$values ('b3000000-0000-4000-8000-000000000001'::uuid, '[{"owner": true}]'::jsonb)$$,
  'search_flights select: the owner''s cache hit is their own row, not the stranger''s for the same query');
select tests.authenticate_as('stranger');
select set_eq($$select id from public.search_flights$$, array['b3000000-0000-4000-8000-000000000009']::uuid[],
  'search_flights select: another user sees only their own row');
select tests.clear_authentication();
select throws_ok($$select id from public.search_flights$$, '42501', null, 'search_flights select: anon has no privilege');
select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.search_flights where id in ('b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000009')$$, array[2],
  'search_flights select: service_role sees every row');
select tests.authenticate_as('sc_owner');
select lives_ok($$insert into public.search_flights (id, user_id, query_hash, query, results, expires_at)
  values ('b3000000-0000-4000-8000-000000000002', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"porto"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  'search_flights insert: the owner caches a result');
select throws_ok($$insert into public.search_flights (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  '23505', null, 'search_flights insert: one row per user and query hash');
select throws_ok($$insert into public.search_flights (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), 'LISBON', '{}', '[]', now() + interval '1 hour')$$,
  '23514', null, 'search_flights check: query_hash is sha256 hex');
select tests.authenticate_as('stranger');
select throws_ok($$insert into public.search_flights (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '["poisoned"]', now() + interval '1 hour')$$,
  '42501', null, 'search_flights insert: another user cannot plant a row in the owner''s cache');
select tests.clear_authentication();
select throws_ok($$insert into public.search_flights (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  '42501', null, 'search_flights insert: anon has no privilege');
select tests.authenticate_as_service_role();
select lives_ok($$insert into public.search_flights (id, user_id, query_hash, query, results, expires_at)
  values ('b3000000-0000-4000-8000-000000000003', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  'search_flights insert: service_role caches for any user');
select tests.authenticate_as('sc_owner');
select results_eq($$update public.search_flights set expires_at = now() + interval '2 hours' where id = 'b3000000-0000-4000-8000-000000000001' returning 1$$, array[1],
  'search_flights update: the owner refreshes their row');
select throws_ok($$update public.search_flights set user_id = tests.get_supabase_uid('stranger') where id = 'b3000000-0000-4000-8000-000000000002'$$,
  '42501', null, 'search_flights update: the owner cannot move a row into another user''s cache');
select tests.authenticate_as('stranger');
select is_empty($$update public.search_flights set results = '["poisoned"]' where id = 'b3000000-0000-4000-8000-000000000001' returning 1$$,
  'search_flights update: another user cannot poison the owner''s row');
select tests.clear_authentication();
select throws_ok($$update public.search_flights set results = '[]'$$, '42501', null, 'search_flights update: anon has no privilege');
select tests.authenticate_as_service_role();
select results_eq($$update public.search_flights set source = 'service' where id = 'b3000000-0000-4000-8000-000000000009' returning 1$$, array[1],
  'search_flights update: service_role updates any row');
select tests.authenticate_as('stranger');
select is_empty($$delete from public.search_flights where id = 'b3000000-0000-4000-8000-000000000001' returning 1$$,
  'search_flights delete: another user deletes nothing');
select tests.clear_authentication();
select throws_ok($$delete from public.search_flights$$, '42501', null, 'search_flights delete: anon has no privilege');
select tests.authenticate_as('sc_owner');
select results_eq($$delete from public.search_flights where id = 'b3000000-0000-4000-8000-000000000002' returning 1$$, array[1],
  'search_flights delete: the owner evicts their row');
select tests.authenticate_as_service_role();
select results_eq($$delete from public.search_flights where id = 'b3000000-0000-4000-8000-000000000009' returning 1$$, array[1],
  'search_flights delete: service_role evicts any row');
select results_eq($$select results from public.search_flights where id = 'b3000000-0000-4000-8000-000000000001'$$, $$values ('[{"owner": true}]'::jsonb)$$,
  'search_flights: the owner''s cached results were never altered by the other user');

-- ---------------------------------------------------------------------------------------------
-- search_hotels
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('sc_owner');
select results_eq($$select id, results from public.search_hotels where query_hash = encode(sha256('{"q":"lisbon"}'), 'hex')$$,
  $$values ('b4000000-0000-4000-8000-000000000001'::uuid, '[{"owner": true}]'::jsonb)$$,
  'search_hotels select: the owner''s cache hit is their own row, not the stranger''s for the same query');
select tests.authenticate_as('stranger');
select set_eq($$select id from public.search_hotels$$, array['b4000000-0000-4000-8000-000000000009']::uuid[],
  'search_hotels select: another user sees only their own row');
select tests.clear_authentication();
select throws_ok($$select id from public.search_hotels$$, '42501', null, 'search_hotels select: anon has no privilege');
select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.search_hotels where id in ('b4000000-0000-4000-8000-000000000001', 'b4000000-0000-4000-8000-000000000009')$$, array[2],
  'search_hotels select: service_role sees every row');
select tests.authenticate_as('sc_owner');
select lives_ok($$insert into public.search_hotels (id, user_id, query_hash, query, results, expires_at)
  values ('b4000000-0000-4000-8000-000000000002', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"porto"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  'search_hotels insert: the owner caches a result');
select throws_ok($$insert into public.search_hotels (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  '23505', null, 'search_hotels insert: one row per user and query hash');
select throws_ok($$insert into public.search_hotels (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), 'LISBON', '{}', '[]', now() + interval '1 hour')$$,
  '23514', null, 'search_hotels check: query_hash is sha256 hex');
select tests.authenticate_as('stranger');
select throws_ok($$insert into public.search_hotels (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '["poisoned"]', now() + interval '1 hour')$$,
  '42501', null, 'search_hotels insert: another user cannot plant a row in the owner''s cache');
select tests.clear_authentication();
select throws_ok($$insert into public.search_hotels (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  '42501', null, 'search_hotels insert: anon has no privilege');
select tests.authenticate_as_service_role();
select lives_ok($$insert into public.search_hotels (id, user_id, query_hash, query, results, expires_at)
  values ('b4000000-0000-4000-8000-000000000003', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  'search_hotels insert: service_role caches for any user');
select tests.authenticate_as('sc_owner');
select results_eq($$update public.search_hotels set expires_at = now() + interval '2 hours' where id = 'b4000000-0000-4000-8000-000000000001' returning 1$$, array[1],
  'search_hotels update: the owner refreshes their row');
select throws_ok($$update public.search_hotels set user_id = tests.get_supabase_uid('stranger') where id = 'b4000000-0000-4000-8000-000000000002'$$,
  '42501', null, 'search_hotels update: the owner cannot move a row into another user''s cache');
select tests.authenticate_as('stranger');
select is_empty($$update public.search_hotels set results = '["poisoned"]' where id = 'b4000000-0000-4000-8000-000000000001' returning 1$$,
  'search_hotels update: another user cannot poison the owner''s row');
select tests.clear_authentication();
select throws_ok($$update public.search_hotels set results = '[]'$$, '42501', null, 'search_hotels update: anon has no privilege');
select tests.authenticate_as_service_role();
select results_eq($$update public.search_hotels set source = 'service' where id = 'b4000000-0000-4000-8000-000000000009' returning 1$$, array[1],
  'search_hotels update: service_role updates any row');
select tests.authenticate_as('stranger');
select is_empty($$delete from public.search_hotels where id = 'b4000000-0000-4000-8000-000000000001' returning 1$$,
  'search_hotels delete: another user deletes nothing');
select tests.clear_authentication();
select throws_ok($$delete from public.search_hotels$$, '42501', null, 'search_hotels delete: anon has no privilege');
select tests.authenticate_as('sc_owner');
select results_eq($$delete from public.search_hotels where id = 'b4000000-0000-4000-8000-000000000002' returning 1$$, array[1],
  'search_hotels delete: the owner evicts their row');
select tests.authenticate_as_service_role();
select results_eq($$delete from public.search_hotels where id = 'b4000000-0000-4000-8000-000000000009' returning 1$$, array[1],
  'search_hotels delete: service_role evicts any row');
select results_eq($$select results from public.search_hotels where id = 'b4000000-0000-4000-8000-000000000001'$$, $$values ('[{"owner": true}]'::jsonb)$$,
  'search_hotels: the owner''s cached results were never altered by the other user');

-- ---------------------------------------------------------------------------------------------
-- search_activities
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('sc_owner');
select results_eq($$select id, results from public.search_activities where query_hash = encode(sha256('{"q":"lisbon"}'), 'hex')$$,
  $$values ('b5000000-0000-4000-8000-000000000001'::uuid, '[{"owner": true}]'::jsonb)$$,
  'search_activities select: the owner''s cache hit is their own row, not the stranger''s for the same query');
select tests.authenticate_as('stranger');
select set_eq($$select id from public.search_activities$$, array['b5000000-0000-4000-8000-000000000009']::uuid[],
  'search_activities select: another user sees only their own row');
select tests.clear_authentication();
select throws_ok($$select id from public.search_activities$$, '42501', null, 'search_activities select: anon has no privilege');
select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.search_activities where id in ('b5000000-0000-4000-8000-000000000001', 'b5000000-0000-4000-8000-000000000009')$$, array[2],
  'search_activities select: service_role sees every row');
select tests.authenticate_as('sc_owner');
select lives_ok($$insert into public.search_activities (id, user_id, query_hash, query, results, expires_at)
  values ('b5000000-0000-4000-8000-000000000002', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"porto"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  'search_activities insert: the owner caches a result');
select throws_ok($$insert into public.search_activities (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"lisbon"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  '23505', null, 'search_activities insert: one row per user and query hash');
select throws_ok($$insert into public.search_activities (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), 'LISBON', '{}', '[]', now() + interval '1 hour')$$,
  '23514', null, 'search_activities check: query_hash is sha256 hex');
select tests.authenticate_as('stranger');
select throws_ok($$insert into public.search_activities (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '["poisoned"]', now() + interval '1 hour')$$,
  '42501', null, 'search_activities insert: another user cannot plant a row in the owner''s cache');
select tests.clear_authentication();
select throws_ok($$insert into public.search_activities (user_id, query_hash, query, results, expires_at)
  values (tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  '42501', null, 'search_activities insert: anon has no privilege');
select tests.authenticate_as_service_role();
select lives_ok($$insert into public.search_activities (id, user_id, query_hash, query, results, expires_at)
  values ('b5000000-0000-4000-8000-000000000003', tests.get_supabase_uid('sc_owner'), encode(sha256('{"q":"faro"}'), 'hex'), '{}', '[]', now() + interval '1 hour')$$,
  'search_activities insert: service_role caches for any user');
select tests.authenticate_as('sc_owner');
select results_eq($$update public.search_activities set expires_at = now() + interval '2 hours' where id = 'b5000000-0000-4000-8000-000000000001' returning 1$$, array[1],
  'search_activities update: the owner refreshes their row');
select throws_ok($$update public.search_activities set user_id = tests.get_supabase_uid('stranger') where id = 'b5000000-0000-4000-8000-000000000002'$$,
  '42501', null, 'search_activities update: the owner cannot move a row into another user''s cache');
select tests.authenticate_as('stranger');
select is_empty($$update public.search_activities set results = '["poisoned"]' where id = 'b5000000-0000-4000-8000-000000000001' returning 1$$,
  'search_activities update: another user cannot poison the owner''s row');
select tests.clear_authentication();
select throws_ok($$update public.search_activities set results = '[]'$$, '42501', null, 'search_activities update: anon has no privilege');
select tests.authenticate_as_service_role();
select results_eq($$update public.search_activities set source = 'service' where id = 'b5000000-0000-4000-8000-000000000009' returning 1$$, array[1],
  'search_activities update: service_role updates any row');
select tests.authenticate_as('stranger');
select is_empty($$delete from public.search_activities where id = 'b5000000-0000-4000-8000-000000000001' returning 1$$,
  'search_activities delete: another user deletes nothing');
select tests.clear_authentication();
select throws_ok($$delete from public.search_activities$$, '42501', null, 'search_activities delete: anon has no privilege');
select tests.authenticate_as('sc_owner');
select results_eq($$delete from public.search_activities where id = 'b5000000-0000-4000-8000-000000000002' returning 1$$, array[1],
  'search_activities delete: the owner evicts their row');
select tests.authenticate_as_service_role();
select results_eq($$delete from public.search_activities where id = 'b5000000-0000-4000-8000-000000000009' returning 1$$, array[1],
  'search_activities delete: service_role evicts any row');
select results_eq($$select results from public.search_activities where id = 'b5000000-0000-4000-8000-000000000001'$$, $$values ('[{"owner": true}]'::jsonb)$$,
  'search_activities: the owner''s cached results were never altered by the other user');

select * from finish();
rollback;

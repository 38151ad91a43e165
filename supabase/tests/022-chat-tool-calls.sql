-- public.chat_tool_calls: the access matrix (session owner / linked trip's admin, editor, viewer /
-- stranger / anon / service_role × select / insert / update / delete) and the status machine:
-- pending → running, pending|running → completed|failed; anything else raises 55000.
--
-- Trip a1…61 (t_owner; t_admin admin, t_editor editor, t_viewer viewer). Sessions d1…81 (t_owner,
-- linked), d1…82 (t_owner, no trip), d1…89 (stranger). Tool calls d3…81, d3…82, d3…89 (pending);
-- d3…9x are rows in given states for the transition checks.
begin;
select plan(46);

select tests.create_supabase_user('t_owner');
select tests.create_supabase_user('t_admin');
select tests.create_supabase_user('t_editor');
select tests.create_supabase_user('t_viewer');
select tests.create_supabase_user('stranger');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values ('a1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('t_owner'), 'Cusco', 'Cusco, PE', '2026-09-01', '2026-09-10');

insert into public.trip_collaborators (trip_id, user_id, role)
values
  ('a1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('t_admin'), 'admin'),
  ('a1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('t_editor'), 'editor'),
  ('a1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('t_viewer'), 'viewer');

insert into public.chat_sessions (id, user_id, trip_id)
values
  ('d1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('t_owner'), 'a1000000-0000-4000-8000-000000000061'),
  ('d1000000-0000-4000-8000-000000000082', tests.get_supabase_uid('t_owner'), null),
  ('d1000000-0000-4000-8000-000000000089', tests.get_supabase_uid('stranger'), null);

insert into public.chat_messages (id, session_id, user_id, role, content)
values ('d2000000-0000-4000-8000-000000000081', 'd1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('t_owner'), 'assistant', 'Searching flights');

insert into public.chat_tool_calls (id, session_id, message_id, user_id, tool_call_id, tool_name, status)
values
  ('d3000000-0000-4000-8000-000000000081', 'd1000000-0000-4000-8000-000000000081', 'd2000000-0000-4000-8000-000000000081',
   tests.get_supabase_uid('t_owner'), 'call_1', 'search_flights', 'pending'),
  ('d3000000-0000-4000-8000-000000000082', 'd1000000-0000-4000-8000-000000000082', null,
   tests.get_supabase_uid('t_owner'), 'call_2', 'search_hotels', 'pending'),
  ('d3000000-0000-4000-8000-000000000089', 'd1000000-0000-4000-8000-000000000089', null,
   tests.get_supabase_uid('stranger'), 'call_9', 'search_hotels', 'pending'),
  -- rows in given states, for the status machine
  ('d3000000-0000-4000-8000-000000000091', 'd1000000-0000-4000-8000-000000000082', null, tests.get_supabase_uid('t_owner'), 'p1', 'tool', 'pending'),
  ('d3000000-0000-4000-8000-000000000092', 'd1000000-0000-4000-8000-000000000082', null, tests.get_supabase_uid('t_owner'), 'p2', 'tool', 'pending'),
  ('d3000000-0000-4000-8000-000000000093', 'd1000000-0000-4000-8000-000000000082', null, tests.get_supabase_uid('t_owner'), 'r1', 'tool', 'running'),
  ('d3000000-0000-4000-8000-000000000094', 'd1000000-0000-4000-8000-000000000082', null, tests.get_supabase_uid('t_owner'), 'r2', 'tool', 'running'),
  ('d3000000-0000-4000-8000-000000000095', 'd1000000-0000-4000-8000-000000000082', null, tests.get_supabase_uid('t_owner'), 'c1', 'tool', 'completed'),
  ('d3000000-0000-4000-8000-000000000096', 'd1000000-0000-4000-8000-000000000082', null, tests.get_supabase_uid('t_owner'), 'f1', 'tool', 'failed');

-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('t_owner');
select results_eq($$select count(*)::int from public.chat_tool_calls$$, array[8],
  'select: the session owner reads all tool calls of their sessions');

select tests.authenticate_as('t_admin');
select set_eq($$select id from public.chat_tool_calls$$, array['d3000000-0000-4000-8000-000000000081']::uuid[],
  'select: an admin of the linked trip reads only the linked session''s tool calls');

select tests.authenticate_as('t_editor');
select set_eq($$select id from public.chat_tool_calls$$, array['d3000000-0000-4000-8000-000000000081']::uuid[],
  'select: an editor of the linked trip reads only the linked session''s tool calls');

select tests.authenticate_as('t_viewer');
select set_eq($$select id from public.chat_tool_calls$$, array['d3000000-0000-4000-8000-000000000081']::uuid[],
  'select: a viewer of the linked trip reads only the linked session''s tool calls');

select tests.authenticate_as('stranger');
select set_eq($$select id from public.chat_tool_calls$$, array['d3000000-0000-4000-8000-000000000089']::uuid[],
  'select: another user reads only their own tool calls');

select tests.clear_authentication();
select throws_ok($$select id from public.chat_tool_calls$$, '42501', null, 'select: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.chat_tool_calls where id in ('d3000000-0000-4000-8000-000000000081',
    'd3000000-0000-4000-8000-000000000082', 'd3000000-0000-4000-8000-000000000089')$$,
  array[3], 'select: service_role reads every tool call');

-- ---------------------------------------------------------------------------------------------
-- insert (session owner only)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('t_owner');
select lives_ok($$insert into public.chat_tool_calls (id, session_id, user_id, tool_call_id, tool_name)
  values ('d3000000-0000-4000-8000-000000000071', 'd1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('t_owner'), 'call_3', 'weather')$$,
  'insert: the session owner records a tool call');

select tests.authenticate_as('t_admin');
select throws_ok($$insert into public.chat_tool_calls (session_id, user_id, tool_name)
  values ('d1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('t_admin'), 'weather')$$,
  '42501', null, 'insert: an admin of the linked trip cannot record tool calls in the session');

select tests.authenticate_as('t_editor');
select throws_ok($$insert into public.chat_tool_calls (session_id, user_id, tool_name)
  values ('d1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('t_editor'), 'weather')$$,
  '42501', null, 'insert: an editor of the linked trip cannot record tool calls in the session');

select tests.authenticate_as('t_viewer');
select throws_ok($$insert into public.chat_tool_calls (session_id, user_id, tool_name)
  values ('d1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('t_viewer'), 'weather')$$,
  '42501', null, 'insert: a viewer of the linked trip cannot record tool calls in the session');

select tests.authenticate_as('stranger');
select throws_ok($$insert into public.chat_tool_calls (session_id, user_id, tool_name)
  values ('d1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('stranger'), 'weather')$$,
  '42501', null, 'insert: another user cannot record tool calls in the session');

select tests.clear_authentication();
select throws_ok($$insert into public.chat_tool_calls (session_id, user_id, tool_name)
  values ('d1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('t_owner'), 'weather')$$,
  '42501', null, 'insert: anon has no privilege');

select tests.authenticate_as_service_role();
select lives_ok($$insert into public.chat_tool_calls (id, session_id, user_id, tool_name)
  values ('d3000000-0000-4000-8000-000000000072', 'd1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('t_owner'), 'weather')$$,
  'insert: service_role records a tool call in any session');

select tests.authenticate_as('t_owner');
select throws_ok($$insert into public.chat_tool_calls (session_id, user_id, tool_name)
  values ('d1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('stranger'), 'weather')$$,
  '42501', null, 'insert: the session owner cannot record a tool call naming another user');

select throws_ok($$insert into public.chat_tool_calls (session_id, user_id, tool_name)
  values ('d1000000-0000-4000-8000-000000000089', tests.get_supabase_uid('t_owner'), 'weather')$$,
  '42501', null, 'insert: a user cannot record a tool call in another user''s session');

-- ---------------------------------------------------------------------------------------------
-- update (session owner only)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('t_owner');
select results_eq($$update public.chat_tool_calls set status = 'running'
  where id = 'd3000000-0000-4000-8000-000000000081' returning status, started_at is not null$$,
  $$values ('running', true)$$, 'update: the owner starts a tool call (pending → running stamps started_at)');

select tests.authenticate_as('t_admin');
select is_empty($$update public.chat_tool_calls set result = '{"x": 1}' where id = 'd3000000-0000-4000-8000-000000000081' returning 1$$,
  'update: an admin of the linked trip updates nothing');

select tests.authenticate_as('t_editor');
select is_empty($$update public.chat_tool_calls set result = '{"x": 1}' where id = 'd3000000-0000-4000-8000-000000000081' returning 1$$,
  'update: an editor of the linked trip updates nothing');

select tests.authenticate_as('t_viewer');
select is_empty($$update public.chat_tool_calls set result = '{"x": 1}' where id = 'd3000000-0000-4000-8000-000000000081' returning 1$$,
  'update: a viewer of the linked trip updates nothing');

select tests.authenticate_as('stranger');
select is_empty($$update public.chat_tool_calls set result = '{"x": 1}' where id = 'd3000000-0000-4000-8000-000000000081' returning 1$$,
  'update: another user updates nothing');

select tests.clear_authentication();
select throws_ok($$update public.chat_tool_calls set result = '{"x": 1}'$$, '42501', null,
  'update: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$update public.chat_tool_calls set status = 'completed', result = '{"flights": []}'
  where id = 'd3000000-0000-4000-8000-000000000081' returning status, completed_at is not null$$,
  $$values ('completed', true)$$, 'update: service_role completes any tool call (running → completed stamps completed_at)');

select tests.authenticate_as('t_owner');
select throws_ok($$update public.chat_tool_calls set user_id = tests.get_supabase_uid('stranger')
  where id = 'd3000000-0000-4000-8000-000000000082'$$, '42501', null,
  'update: the owner cannot hand a tool call to another user');

select throws_ok($$update public.chat_tool_calls set session_id = 'd1000000-0000-4000-8000-000000000089'
  where id = 'd3000000-0000-4000-8000-000000000082'$$, '42501', null,
  'update: the owner cannot move a tool call into another user''s session');

-- ---------------------------------------------------------------------------------------------
-- delete: no user deletes a tool call (it goes with its session or message)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('t_owner');
select is_empty($$delete from public.chat_tool_calls where id = 'd3000000-0000-4000-8000-000000000082' returning 1$$,
  'delete: not even the session owner deletes a tool call');

select tests.authenticate_as('t_admin');
select is_empty($$delete from public.chat_tool_calls where id = 'd3000000-0000-4000-8000-000000000081' returning 1$$,
  'delete: an admin of the linked trip deletes nothing');

select tests.authenticate_as('t_editor');
select is_empty($$delete from public.chat_tool_calls where id = 'd3000000-0000-4000-8000-000000000081' returning 1$$,
  'delete: an editor of the linked trip deletes nothing');

select tests.authenticate_as('t_viewer');
select is_empty($$delete from public.chat_tool_calls where id = 'd3000000-0000-4000-8000-000000000081' returning 1$$,
  'delete: a viewer of the linked trip deletes nothing');

select tests.authenticate_as('stranger');
select is_empty($$delete from public.chat_tool_calls where id = 'd3000000-0000-4000-8000-000000000081' returning 1$$,
  'delete: another user deletes nothing');

select tests.clear_authentication();
select throws_ok($$delete from public.chat_tool_calls$$, '42501', null, 'delete: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$delete from public.chat_tool_calls where id = 'd3000000-0000-4000-8000-000000000089' returning 1$$,
  array[1], 'delete: service_role deletes any tool call');

-- ---------------------------------------------------------------------------------------------
-- status machine (as the owner unless noted)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('t_owner');
select lives_ok($$update public.chat_tool_calls set status = 'completed' where id = 'd3000000-0000-4000-8000-000000000091'$$,
  'status: pending → completed is allowed');
select lives_ok($$update public.chat_tool_calls set status = 'failed', error_message = 'timeout' where id = 'd3000000-0000-4000-8000-000000000092'$$,
  'status: pending → failed is allowed');
select lives_ok($$update public.chat_tool_calls set status = 'failed' where id = 'd3000000-0000-4000-8000-000000000093'$$,
  'status: running → failed is allowed');
select throws_ok($$update public.chat_tool_calls set status = 'pending' where id = 'd3000000-0000-4000-8000-000000000094'$$,
  '55000', 'invalid tool call status transition', 'status: running → pending raises 55000');
select throws_ok($$update public.chat_tool_calls set status = 'running' where id = 'd3000000-0000-4000-8000-000000000095'$$,
  '55000', 'invalid tool call status transition', 'status: completed → running raises 55000');
select throws_ok($$update public.chat_tool_calls set status = 'pending' where id = 'd3000000-0000-4000-8000-000000000095'$$,
  '55000', 'invalid tool call status transition', 'status: completed → pending raises 55000');
select throws_ok($$update public.chat_tool_calls set status = 'failed' where id = 'd3000000-0000-4000-8000-000000000095'$$,
  '55000', 'invalid tool call status transition', 'status: completed → failed raises 55000');
select throws_ok($$update public.chat_tool_calls set status = 'completed' where id = 'd3000000-0000-4000-8000-000000000096'$$,
  '55000', 'invalid tool call status transition', 'status: failed → completed raises 55000');
select throws_ok($$update public.chat_tool_calls set status = 'running' where id = 'd3000000-0000-4000-8000-000000000096'$$,
  '55000', 'invalid tool call status transition', 'status: failed → running raises 55000');

select tests.authenticate_as_service_role();
select throws_ok($$update public.chat_tool_calls set status = 'pending' where id = 'd3000000-0000-4000-8000-000000000095'$$,
  '55000', 'invalid tool call status transition', 'status: the machine binds service_role too');

select results_eq($$select status from public.chat_tool_calls where id in ('d3000000-0000-4000-8000-000000000094',
    'd3000000-0000-4000-8000-000000000095', 'd3000000-0000-4000-8000-000000000096') order by id$$,
  array['running', 'completed', 'failed'], 'status: refused transitions left the rows unchanged');

select tests.authenticate_as('t_owner');
select results_eq($$insert into public.chat_tool_calls (session_id, user_id, tool_name, status, provider_executed)
  values ('d1000000-0000-4000-8000-000000000082', tests.get_supabase_uid('t_owner'), 'web_search', 'completed', true)
  returning status, completed_at is not null$$,
  $$values ('completed', true)$$, 'status: a provider-executed call may be recorded as completed (completed_at stamped)');
select throws_ok($$insert into public.chat_tool_calls (session_id, user_id, tool_name, status)
  values ('d1000000-0000-4000-8000-000000000082', tests.get_supabase_uid('t_owner'), 'tool', 'done')$$,
  '23514', null, 'check: status is pending, running, completed or failed');
select throws_ok($$insert into public.chat_tool_calls (session_id, user_id, tool_name)
  values ('d1000000-0000-4000-8000-000000000082', tests.get_supabase_uid('t_owner'), '')$$,
  '23514', null, 'check: tool_name is not empty');

select * from finish();
rollback;

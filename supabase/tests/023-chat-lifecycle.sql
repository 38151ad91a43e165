-- Chat lifecycle (20261124002000_chat_lifecycle.sql): an ended session takes no new messages or
-- tool calls (55000) — for everyone, service_role included — while a caller who cannot see the
-- session still gets the RLS refusal (42501), not a hint about its state; finished tool calls are
-- immutable and running -> running is refused (55000).
--
-- Sessions d1…c1 (l_owner, open) and d1…c2 (l_owner, ended). Tool calls d3…c1 (running, in the
-- ended session), d3…c2 (completed), d3…c3 (failed), d3…c4 (pending), d3…c5 (running).
begin;
select plan(14);

select tests.create_supabase_user('l_owner');
select tests.create_supabase_user('l_stranger');

insert into public.chat_sessions (id, user_id, ended_at)
values
  ('d1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('l_owner'), null),
  ('d1000000-0000-4000-8000-0000000000c2', tests.get_supabase_uid('l_owner'), null);

insert into public.chat_tool_calls (id, session_id, user_id, tool_name, status)
values
  ('d3000000-0000-4000-8000-0000000000c1', 'd1000000-0000-4000-8000-0000000000c2', tests.get_supabase_uid('l_owner'), 'tool', 'running'),
  ('d3000000-0000-4000-8000-0000000000c2', 'd1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('l_owner'), 'tool', 'completed'),
  ('d3000000-0000-4000-8000-0000000000c3', 'd1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('l_owner'), 'tool', 'failed'),
  ('d3000000-0000-4000-8000-0000000000c4', 'd1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('l_owner'), 'tool', 'pending'),
  ('d3000000-0000-4000-8000-0000000000c5', 'd1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('l_owner'), 'tool', 'running');

update public.chat_sessions set ended_at = now() where id = 'd1000000-0000-4000-8000-0000000000c2';

-- ---------------------------------------------------------------------------------------------
-- ended sessions are read-only
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('l_owner');
select lives_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('l_owner'), 'user', 'hi')$$,
  'ended: an open session takes messages');
select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-0000000000c2', tests.get_supabase_uid('l_owner'), 'user', 'hi')$$,
  '55000', 'chat session has ended', 'ended: an ended session refuses messages');
select throws_ok($$insert into public.chat_tool_calls (session_id, user_id, tool_name)
  values ('d1000000-0000-4000-8000-0000000000c2', tests.get_supabase_uid('l_owner'), 'tool')$$,
  '55000', 'chat session has ended', 'ended: an ended session refuses tool calls');
select lives_ok($$update public.chat_tool_calls set status = 'completed', result = '{}'
  where id = 'd3000000-0000-4000-8000-0000000000c1'$$,
  'ended: a call that was running may still finish');

select tests.authenticate_as('l_stranger');
select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-0000000000c2', tests.get_supabase_uid('l_stranger'), 'user', 'hi')$$,
  '42501', null, 'ended: a stranger gets the RLS refusal, not the session''s state');

select tests.authenticate_as_service_role();
select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-0000000000c2', tests.get_supabase_uid('l_owner'), 'user', 'hi')$$,
  '55000', 'chat session has ended', 'ended: the rule binds service_role too');

-- ---------------------------------------------------------------------------------------------
-- tool calls: no same-status "transitions" except editing a pending call
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('l_owner');
select throws_ok($$update public.chat_tool_calls set status = 'completed', result = '{"again": true}'
  where id = 'd3000000-0000-4000-8000-0000000000c2'$$,
  '55000', 'invalid tool call status transition', 'status: completed -> completed (overwriting the result) raises 55000');
select throws_ok($$update public.chat_tool_calls set result = '{"edited": true}' where id = 'd3000000-0000-4000-8000-0000000000c2'$$,
  '55000', 'invalid tool call status transition', 'status: a completed call is immutable');
select throws_ok($$update public.chat_tool_calls set status = 'failed', error_message = 'again'
  where id = 'd3000000-0000-4000-8000-0000000000c3'$$,
  '55000', 'invalid tool call status transition', 'status: failed -> failed raises 55000');
select throws_ok($$update public.chat_tool_calls set status = 'running' where id = 'd3000000-0000-4000-8000-0000000000c5'$$,
  '55000', 'invalid tool call status transition', 'status: running -> running raises 55000');
select lives_ok($$update public.chat_tool_calls set arguments = '{"q": 1}' where id = 'd3000000-0000-4000-8000-0000000000c4'$$,
  'status: a pending call may still be edited');
select lives_ok($$update public.chat_tool_calls set status = 'running' where id = 'd3000000-0000-4000-8000-0000000000c4'$$,
  'status: pending -> running is allowed');
select results_eq($$select status, result is null from public.chat_tool_calls
    where id in ('d3000000-0000-4000-8000-0000000000c2', 'd3000000-0000-4000-8000-0000000000c4') order by id$$,
  $$values ('completed', true), ('running', true)$$, 'status: refused updates left the rows unchanged');

select tests.authenticate_as_service_role();
select throws_ok($$update public.chat_tool_calls set status = 'failed' where id = 'd3000000-0000-4000-8000-0000000000c2'$$,
  '55000', 'invalid tool call status transition', 'status: the machine binds service_role too');

select * from finish();
rollback;

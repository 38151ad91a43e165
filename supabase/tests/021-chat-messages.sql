-- public.chat_messages: the access matrix (session owner / linked trip's admin, editor, viewer /
-- stranger / anon / service_role × select / insert / update / delete). Only the session owner
-- updates a message (its parts, content and metadata: AI SDK UI messages grow while tools run);
-- users delete none. Also: seq ordering, CHECKs, cascade,
-- and revocation through the linked trip.
--
-- Trip a1…51 (m_owner; m_admin admin, m_editor editor, m_viewer viewer); trip a1…59 (stranger).
-- Sessions d1…61 (m_owner, linked to a1…51), d1…62 (m_owner, no trip), d1…69 (stranger).
-- Messages d2…61, d2…62, d2…69 in those sessions.
begin;
select plan(48);

select tests.create_supabase_user('m_owner');
select tests.create_supabase_user('m_admin');
select tests.create_supabase_user('m_editor');
select tests.create_supabase_user('m_viewer');
select tests.create_supabase_user('stranger');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values
  ('a1000000-0000-4000-8000-000000000051', tests.get_supabase_uid('m_owner'), 'Seoul', 'Seoul, KR', '2026-09-01', '2026-09-10'),
  ('a1000000-0000-4000-8000-000000000059', tests.get_supabase_uid('stranger'), 'Oslo', 'Oslo, NO', '2026-07-01', '2026-07-04');

insert into public.trip_collaborators (trip_id, user_id, role)
values
  ('a1000000-0000-4000-8000-000000000051', tests.get_supabase_uid('m_admin'), 'admin'),
  ('a1000000-0000-4000-8000-000000000051', tests.get_supabase_uid('m_editor'), 'editor'),
  ('a1000000-0000-4000-8000-000000000051', tests.get_supabase_uid('m_viewer'), 'viewer');

insert into public.chat_sessions (id, user_id, trip_id)
values
  ('d1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_owner'), 'a1000000-0000-4000-8000-000000000051'),
  ('d1000000-0000-4000-8000-000000000062', tests.get_supabase_uid('m_owner'), null),
  ('d1000000-0000-4000-8000-000000000069', tests.get_supabase_uid('stranger'), null);

insert into public.chat_messages (id, session_id, user_id, role, content)
values
  ('d2000000-0000-4000-8000-000000000061', 'd1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_owner'), 'user', 'Where should we eat?'),
  ('d2000000-0000-4000-8000-000000000062', 'd1000000-0000-4000-8000-000000000062', tests.get_supabase_uid('m_owner'), 'user', 'Private note'),
  ('d2000000-0000-4000-8000-000000000069', 'd1000000-0000-4000-8000-000000000069', tests.get_supabase_uid('stranger'), 'user', 'Stranger message');

-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('m_owner');
select set_eq($$select id from public.chat_messages$$,
  array['d2000000-0000-4000-8000-000000000061', 'd2000000-0000-4000-8000-000000000062']::uuid[],
  'select: the session owner reads the messages of all their sessions');

select tests.authenticate_as('m_admin');
select set_eq($$select id from public.chat_messages$$, array['d2000000-0000-4000-8000-000000000061']::uuid[],
  'select: an admin of the linked trip reads only the linked session''s messages');

select tests.authenticate_as('m_editor');
select set_eq($$select id from public.chat_messages$$, array['d2000000-0000-4000-8000-000000000061']::uuid[],
  'select: an editor of the linked trip reads only the linked session''s messages');

select tests.authenticate_as('m_viewer');
select set_eq($$select id from public.chat_messages$$, array['d2000000-0000-4000-8000-000000000061']::uuid[],
  'select: a viewer of the linked trip reads only the linked session''s messages');

select tests.authenticate_as('stranger');
select set_eq($$select id from public.chat_messages$$, array['d2000000-0000-4000-8000-000000000069']::uuid[],
  'select: another user reads only their own messages');

select tests.clear_authentication();
select throws_ok($$select id from public.chat_messages$$, '42501', null, 'select: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.chat_messages where id in ('d2000000-0000-4000-8000-000000000061',
    'd2000000-0000-4000-8000-000000000062', 'd2000000-0000-4000-8000-000000000069')$$,
  array[3], 'select: service_role reads every message');

-- ---------------------------------------------------------------------------------------------
-- insert (session owner only)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('m_owner');
select lives_ok($$insert into public.chat_messages (id, session_id, user_id, role, content)
  values ('d2000000-0000-4000-8000-000000000071', 'd1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_owner'), 'user', 'First')$$,
  'insert: the session owner appends a message');

select tests.authenticate_as('m_admin');
select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_admin'), 'user', 'Hi')$$,
  '42501', null, 'insert: an admin of the linked trip cannot write into the session');

select tests.authenticate_as('m_editor');
select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_editor'), 'user', 'Hi')$$,
  '42501', null, 'insert: an editor of the linked trip cannot write into the session');

select tests.authenticate_as('m_viewer');
select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_viewer'), 'user', 'Hi')$$,
  '42501', null, 'insert: a viewer of the linked trip cannot write into the session');

select tests.authenticate_as('stranger');
select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('stranger'), 'user', 'Hi')$$,
  '42501', null, 'insert: another user cannot write into the session');

select tests.clear_authentication();
select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_owner'), 'user', 'Hi')$$,
  '42501', null, 'insert: anon has no privilege');

select tests.authenticate_as_service_role();
select lives_ok($$insert into public.chat_messages (id, session_id, user_id, role, content)
  values ('d2000000-0000-4000-8000-000000000072', 'd1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_owner'), 'assistant', 'Second')$$,
  'insert: service_role appends a message to any session');

-- naming another user / another user's session
select tests.authenticate_as('m_owner');
select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('stranger'), 'user', 'Forged')$$,
  '42501', null, 'insert: the session owner cannot write a message naming another user');

select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-000000000069', tests.get_supabase_uid('m_owner'), 'user', 'Planted')$$,
  '42501', null, 'insert: a user cannot write into another user''s session');

-- ---------------------------------------------------------------------------------------------
-- update: the session owner changes parts, content and metadata (AI SDK UI messages grow while
-- tools run); nobody else changes anything, and no user changes who, where or which message
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('m_owner');
select results_eq($$update public.chat_messages
    set parts = '[{"type": "text", "text": "Where should we eat tonight?"}]', content = 'Where should we eat tonight?',
        ui_metadata = '{"edited": true}', metadata = '{"edited": true}'
  where id = 'd2000000-0000-4000-8000-000000000061' returning 1$$, array[1],
  'update: the session owner updates the parts, text and metadata of their message');

select throws_ok($$update public.chat_messages set role = 'assistant' where id = 'd2000000-0000-4000-8000-000000000061'$$,
  '42501', null, 'update: not even the session owner changes the role');

select throws_ok($$update public.chat_messages set ui_id = 'other' where id = 'd2000000-0000-4000-8000-000000000061'$$,
  '42501', null, 'update: not even the session owner changes the UI message id');

select throws_ok($$update public.chat_messages set session_id = 'd1000000-0000-4000-8000-000000000062'
  where id = 'd2000000-0000-4000-8000-000000000061'$$,
  '42501', null, 'update: not even the session owner moves a message to another session');

select tests.authenticate_as('m_admin');
select is_empty($$update public.chat_messages set content = 'edited' where id = 'd2000000-0000-4000-8000-000000000061' returning 1$$,
  'update: an admin of the linked trip edits nothing');

select tests.authenticate_as('m_editor');
select is_empty($$update public.chat_messages set content = 'edited' where id = 'd2000000-0000-4000-8000-000000000061' returning 1$$,
  'update: an editor of the linked trip edits nothing');

select tests.authenticate_as('m_viewer');
select is_empty($$update public.chat_messages set content = 'edited' where id = 'd2000000-0000-4000-8000-000000000061' returning 1$$,
  'update: a viewer of the linked trip edits nothing');

select tests.authenticate_as('stranger');
select is_empty($$update public.chat_messages set content = 'edited' where id <> 'd2000000-0000-4000-8000-000000000069' returning 1$$,
  'update: another user edits nothing of others');

select tests.clear_authentication();
select throws_ok($$update public.chat_messages set content = 'edited'$$, '42501', null,
  'update: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$update public.chat_messages set metadata = '{"redacted": true}'
  where id = 'd2000000-0000-4000-8000-000000000069' returning 1$$, array[1],
  'update: service_role can still correct a message');

select results_eq($$select content from public.chat_messages where id = 'd2000000-0000-4000-8000-000000000061'$$,
  array['Where should we eat tonight?'], 'update: only the owner''s edit landed');

-- ---------------------------------------------------------------------------------------------
-- UI message shape: defaults for the append path, unique ids per session, parts is an array
-- ---------------------------------------------------------------------------------------------
select results_eq($$select ui_id, parts, ui_metadata from public.chat_messages where id = 'd2000000-0000-4000-8000-000000000062'$$,
  $$values ('d2000000-0000-4000-8000-000000000062'::text, '[{"type": "text", "text": "Private note"}]'::jsonb, null::jsonb)$$,
  'ui shape: a message inserted without parts gets ui_id = id and one text part');

select tests.authenticate_as('m_owner');
select lives_ok($$insert into public.chat_messages (session_id, user_id, role, content, ui_id, parts)
  values ('d1000000-0000-4000-8000-000000000062', tests.get_supabase_uid('m_owner'), 'assistant', '', 'msg-abc', '[{"type": "step-start"}]')$$,
  'ui shape: the owner inserts a message with its own UI id and parts');

select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content, ui_id, parts)
  values ('d1000000-0000-4000-8000-000000000062', tests.get_supabase_uid('m_owner'), 'assistant', '', 'msg-abc', '[]')$$,
  '23505', null, 'ui shape: a UI id is unique within its session');

select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content, ui_id, parts)
  values ('d1000000-0000-4000-8000-000000000062', tests.get_supabase_uid('m_owner'), 'assistant', '', 'msg-def', '{"type": "text"}')$$,
  '23514', null, 'ui shape: parts is a JSON array');

select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content, ui_id)
  values ('d1000000-0000-4000-8000-000000000062', tests.get_supabase_uid('m_owner'), 'user', 'x', repeat('i', 201))$$,
  '23514', null, 'ui shape: a UI id has at most 200 characters');

update public.chat_sessions set ended_at = now() where id = 'd1000000-0000-4000-8000-000000000062';
select throws_ok($$update public.chat_messages set parts = '[]' where ui_id = 'msg-abc'$$,
  '55000', null, 'ui shape: messages of an ended session are not updated');
select tests.authenticate_as_service_role();
update public.chat_sessions set ended_at = null where id = 'd1000000-0000-4000-8000-000000000062';

-- ---------------------------------------------------------------------------------------------
-- delete: only with the session (or by service_role)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('m_owner');
select is_empty($$delete from public.chat_messages where id = 'd2000000-0000-4000-8000-000000000061' returning 1$$,
  'delete: not even the session owner deletes a single message');

select tests.authenticate_as('m_admin');
select is_empty($$delete from public.chat_messages where id = 'd2000000-0000-4000-8000-000000000061' returning 1$$,
  'delete: an admin of the linked trip deletes nothing');

select tests.authenticate_as('m_editor');
select is_empty($$delete from public.chat_messages where id = 'd2000000-0000-4000-8000-000000000061' returning 1$$,
  'delete: an editor of the linked trip deletes nothing');

select tests.authenticate_as('m_viewer');
select is_empty($$delete from public.chat_messages where id = 'd2000000-0000-4000-8000-000000000061' returning 1$$,
  'delete: a viewer of the linked trip deletes nothing');

select tests.authenticate_as('stranger');
select is_empty($$delete from public.chat_messages where id = 'd2000000-0000-4000-8000-000000000061' returning 1$$,
  'delete: another user deletes nothing');

select tests.clear_authentication();
select throws_ok($$delete from public.chat_messages$$, '42501', null, 'delete: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$delete from public.chat_messages where id = 'd2000000-0000-4000-8000-000000000069' returning 1$$,
  array[1], 'delete: service_role deletes any message');

-- ---------------------------------------------------------------------------------------------
-- ordering and constraints
-- ---------------------------------------------------------------------------------------------
select results_eq($$select (select seq from public.chat_messages where id = 'd2000000-0000-4000-8000-000000000072')
                        > (select seq from public.chat_messages where id = 'd2000000-0000-4000-8000-000000000071')$$,
  array[true], 'seq: a later message has a larger seq');

select tests.authenticate_as('m_owner');
select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content, seq)
  values ('d1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_owner'), 'user', 'x', 1)$$,
  '428C9', null, 'seq: callers cannot choose seq (generated always)');

select lives_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_owner'), 'user', repeat('x', 32768))$$,
  'check: content of 32768 characters is accepted');

select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_owner'), 'user', repeat('x', 32769))$$,
  '23514', null, 'check: content over 32768 characters is refused');

select throws_ok($$insert into public.chat_messages (session_id, user_id, role, content)
  values ('d1000000-0000-4000-8000-000000000061', tests.get_supabase_uid('m_owner'), 'robot', 'x')$$,
  '23514', null, 'check: role is user, assistant, system or tool');

-- ---------------------------------------------------------------------------------------------
-- revocation through the trip, and cascade from the session
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('m_owner');
delete from public.trip_collaborators where trip_id = 'a1000000-0000-4000-8000-000000000051'
  and user_id = tests.get_supabase_uid('m_viewer');

select tests.authenticate_as('m_viewer');
select is_empty($$select 1 from public.chat_messages$$,
  'revocation: a removed viewer no longer reads the linked session''s messages');

select tests.authenticate_as('m_owner');
select results_eq($$delete from public.chat_sessions where id = 'd1000000-0000-4000-8000-000000000062' returning 1$$,
  array[1], 'cascade: the owner deletes a session');

select tests.authenticate_as_service_role();
select is_empty($$select 1 from public.chat_messages where session_id = 'd1000000-0000-4000-8000-000000000062'$$,
  'cascade: deleting the session deleted its messages');

select * from finish();
rollback;

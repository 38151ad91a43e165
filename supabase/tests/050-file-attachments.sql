-- public.file_attachments: the access matrix (owner / trip admin, editor, viewer / stranger / anon /
-- service_role × select / insert / update / delete), paths under {uid}/, message ownership, the
-- frozen columns and the scanner-only virus scan outcome.
--
-- Trip a1…81 (fa_owner; fa_admin admin, fa_editor editor, fa_viewer viewer); trip a1…89 (stranger).
-- Messages d2…91 (fa_owner's session) and d2…99 (stranger's session).
-- Attachments fa…01 (fa_owner, on the trip), fa…02 (fa_owner, no trip), fa…09 (stranger).
begin;
select plan(46);

select tests.create_supabase_user('fa_owner');
select tests.create_supabase_user('fa_admin');
select tests.create_supabase_user('fa_editor');
select tests.create_supabase_user('fa_viewer');
select tests.create_supabase_user('stranger');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values
  ('a1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('fa_owner'), 'Cairo', 'Cairo, EG', '2026-10-01', '2026-10-05'),
  ('a1000000-0000-4000-8000-000000000089', tests.get_supabase_uid('stranger'), 'Oslo', 'Oslo, NO', '2026-07-01', '2026-07-04');

insert into public.trip_collaborators (trip_id, user_id, role)
values
  ('a1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('fa_admin'), 'admin'),
  ('a1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('fa_editor'), 'editor'),
  ('a1000000-0000-4000-8000-000000000081', tests.get_supabase_uid('fa_viewer'), 'viewer');

insert into public.chat_sessions (id, user_id) values
  ('d1000000-0000-4000-8000-000000000091', tests.get_supabase_uid('fa_owner')),
  ('d1000000-0000-4000-8000-000000000099', tests.get_supabase_uid('stranger'));
insert into public.chat_messages (id, session_id, user_id, role, content) values
  ('d2000000-0000-4000-8000-000000000091', 'd1000000-0000-4000-8000-000000000091', tests.get_supabase_uid('fa_owner'), 'user', 'See attached'),
  ('d2000000-0000-4000-8000-000000000099', 'd1000000-0000-4000-8000-000000000099', tests.get_supabase_uid('stranger'), 'user', 'Mine');

insert into public.file_attachments (id, user_id, trip_id, filename, original_filename, file_size, mime_type, file_path)
values
  ('fa000000-0000-4000-8000-000000000001', tests.get_supabase_uid('fa_owner'), 'a1000000-0000-4000-8000-000000000081',
   'visa.pdf', 'Visa (scan).pdf', 2048, 'application/pdf', tests.get_supabase_uid('fa_owner')::text || '/fa000000-0000-4000-8000-000000000001/visa.pdf'),
  ('fa000000-0000-4000-8000-000000000002', tests.get_supabase_uid('fa_owner'), null,
   'passport.png', 'passport.png', 4096, 'image/png', tests.get_supabase_uid('fa_owner')::text || '/fa000000-0000-4000-8000-000000000002/passport.png'),
  ('fa000000-0000-4000-8000-000000000009', tests.get_supabase_uid('stranger'), null,
   'notes.txt', 'notes.txt', 10, 'text/plain', tests.get_supabase_uid('stranger')::text || '/fa000000-0000-4000-8000-000000000009/notes.txt');

-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('fa_owner');
select set_eq($$select id from public.file_attachments$$,
  array['fa000000-0000-4000-8000-000000000001', 'fa000000-0000-4000-8000-000000000002']::uuid[],
  'select: the owner sees all their attachments');

select tests.authenticate_as('fa_admin');
select set_eq($$select id from public.file_attachments$$, array['fa000000-0000-4000-8000-000000000001']::uuid[],
  'select: an admin of the trip sees only the trip''s attachments');

select tests.authenticate_as('fa_editor');
select set_eq($$select id from public.file_attachments$$, array['fa000000-0000-4000-8000-000000000001']::uuid[],
  'select: an editor of the trip sees only the trip''s attachments');

select tests.authenticate_as('fa_viewer');
select set_eq($$select id from public.file_attachments$$, array['fa000000-0000-4000-8000-000000000001']::uuid[],
  'select: a viewer of the trip sees only the trip''s attachments');

select tests.authenticate_as('stranger');
select set_eq($$select id from public.file_attachments$$, array['fa000000-0000-4000-8000-000000000009']::uuid[],
  'select: another user sees only their own attachments');

select tests.clear_authentication();
select throws_ok($$select id from public.file_attachments$$, '42501', null, 'select: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.file_attachments where id in ('fa000000-0000-4000-8000-000000000001',
    'fa000000-0000-4000-8000-000000000002', 'fa000000-0000-4000-8000-000000000009')$$,
  array[3], 'select: service_role sees every attachment');

-- ---------------------------------------------------------------------------------------------
-- insert
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('fa_owner');
select lives_ok($$insert into public.file_attachments (id, user_id, trip_id, filename, original_filename, file_size, mime_type, file_path)
  values ('fa000000-0000-4000-8000-000000000011', tests.get_supabase_uid('fa_owner'), 'a1000000-0000-4000-8000-000000000081',
          'a.pdf', 'a.pdf', 1, 'application/pdf', tests.get_supabase_uid('fa_owner')::text || '/11/a.pdf')$$,
  'insert: the owner attaches a file to their trip');

select tests.authenticate_as('fa_admin');
select lives_ok($$insert into public.file_attachments (id, user_id, trip_id, filename, original_filename, file_size, mime_type, file_path)
  values ('fa000000-0000-4000-8000-000000000012', tests.get_supabase_uid('fa_admin'), 'a1000000-0000-4000-8000-000000000081',
          'b.pdf', 'b.pdf', 1, 'application/pdf', tests.get_supabase_uid('fa_admin')::text || '/12/b.pdf')$$,
  'insert: an admin of the trip attaches their own file to it');

select tests.authenticate_as('fa_editor');
select lives_ok($$insert into public.file_attachments (id, user_id, trip_id, filename, original_filename, file_size, mime_type, file_path)
  values ('fa000000-0000-4000-8000-000000000013', tests.get_supabase_uid('fa_editor'), 'a1000000-0000-4000-8000-000000000081',
          'c.pdf', 'c.pdf', 1, 'application/pdf', tests.get_supabase_uid('fa_editor')::text || '/13/c.pdf')$$,
  'insert: an editor of the trip attaches their own file to it');

select tests.authenticate_as('fa_viewer');
select throws_ok($$insert into public.file_attachments (user_id, trip_id, filename, original_filename, file_size, mime_type, file_path)
  values (tests.get_supabase_uid('fa_viewer'), 'a1000000-0000-4000-8000-000000000081',
          'd.pdf', 'd.pdf', 1, 'application/pdf', tests.get_supabase_uid('fa_viewer')::text || '/14/d.pdf')$$,
  '42501', null, 'insert: a viewer of the trip cannot attach files to it');

select tests.authenticate_as('stranger');
select throws_ok($$insert into public.file_attachments (user_id, trip_id, filename, original_filename, file_size, mime_type, file_path)
  values (tests.get_supabase_uid('stranger'), 'a1000000-0000-4000-8000-000000000081',
          'e.pdf', 'e.pdf', 1, 'application/pdf', tests.get_supabase_uid('stranger')::text || '/15/e.pdf')$$,
  '42501', null, 'insert: another user cannot attach files to the trip');

select tests.clear_authentication();
select throws_ok($$insert into public.file_attachments (user_id, filename, original_filename, file_size, mime_type, file_path)
  values (tests.get_supabase_uid('fa_owner'), 'f.pdf', 'f.pdf', 1, 'application/pdf', tests.get_supabase_uid('fa_owner')::text || '/16/f.pdf')$$,
  '42501', null, 'insert: anon has no privilege');

select tests.authenticate_as_service_role();
select lives_ok($$insert into public.file_attachments (id, user_id, trip_id, filename, original_filename, file_size, mime_type, file_path)
  values ('fa000000-0000-4000-8000-000000000017', tests.get_supabase_uid('fa_owner'), 'a1000000-0000-4000-8000-000000000081',
          'g.pdf', 'g.pdf', 1, 'application/pdf', tests.get_supabase_uid('fa_owner')::text || '/17/g.pdf')$$,
  'insert: service_role records an attachment for any user');

-- paths, owners, messages, scan outcome
select tests.authenticate_as('fa_owner');
select throws_ok($$insert into public.file_attachments (user_id, filename, original_filename, file_size, mime_type, file_path)
  values (tests.get_supabase_uid('fa_owner'), 'h.pdf', 'h.pdf', 1, 'application/pdf', tests.get_supabase_uid('stranger')::text || '/18/h.pdf')$$,
  '42501', null, 'insert: a path under another user''s folder is refused');
select throws_ok($$insert into public.file_attachments (user_id, filename, original_filename, file_size, mime_type, file_path)
  values (tests.get_supabase_uid('fa_owner'), 'h.pdf', 'h.pdf', 1, 'application/pdf', 'h.pdf')$$,
  '42501', null, 'insert: a path outside any user folder is refused');
select throws_ok($$insert into public.file_attachments (user_id, filename, original_filename, file_size, mime_type, file_path)
  values (tests.get_supabase_uid('stranger'), 'h.pdf', 'h.pdf', 1, 'application/pdf', tests.get_supabase_uid('stranger')::text || '/19/h.pdf')$$,
  '42501', null, 'insert: a row naming another user is refused');
select throws_ok($$insert into public.file_attachments (user_id, chat_message_id, filename, original_filename, file_size, mime_type, file_path)
  values (tests.get_supabase_uid('fa_owner'), 'd2000000-0000-4000-8000-000000000099', 'i.pdf', 'i.pdf', 1, 'application/pdf',
          tests.get_supabase_uid('fa_owner')::text || '/20/i.pdf')$$,
  '42501', null, 'insert: a file cannot be attached to another user''s message');
select lives_ok($$insert into public.file_attachments (user_id, chat_message_id, filename, original_filename, file_size, mime_type, file_path)
  values (tests.get_supabase_uid('fa_owner'), 'd2000000-0000-4000-8000-000000000091', 'j.pdf', 'j.pdf', 1, 'application/pdf',
          tests.get_supabase_uid('fa_owner')::text || '/21/j.pdf')$$,
  'insert: a file is attached to the user''s own message');
select throws_ok($$insert into public.file_attachments (user_id, filename, original_filename, file_size, mime_type, file_path, virus_scan_status)
  values (tests.get_supabase_uid('fa_owner'), 'k.pdf', 'k.pdf', 1, 'application/pdf', tests.get_supabase_uid('fa_owner')::text || '/22/k.pdf', 'clean')$$,
  '42501', null, 'insert: a user cannot declare their own upload clean');
select throws_ok($$insert into public.file_attachments (user_id, filename, original_filename, file_size, mime_type, file_path, virus_scan_result)
  values (tests.get_supabase_uid('fa_owner'), 'k.pdf', 'k.pdf', 1, 'application/pdf', tests.get_supabase_uid('fa_owner')::text || '/22/k.pdf', '{"clean": true}')$$,
  '42501', null, 'insert: a user cannot supply a virus scan result');
select throws_ok($$insert into public.file_attachments (user_id, filename, original_filename, file_size, mime_type, file_path)
  values (tests.get_supabase_uid('fa_owner'), 'l.pdf', 'l.pdf', 0, 'application/pdf', tests.get_supabase_uid('fa_owner')::text || '/23/l.pdf')$$,
  '23514', null, 'check: file_size is positive');
select throws_ok($$insert into public.file_attachments (user_id, filename, original_filename, file_size, mime_type, file_path)
  values (tests.get_supabase_uid('fa_owner'), 'a.pdf', 'a.pdf', 1, 'application/pdf', tests.get_supabase_uid('fa_owner')::text || '/11/a.pdf')$$,
  '23505', null, 'check: file_path is unique');

-- ---------------------------------------------------------------------------------------------
-- update (owner only)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('fa_owner');
select results_eq($$update public.file_attachments set metadata = '{"pages": 2}'
  where id = 'fa000000-0000-4000-8000-000000000001' returning metadata$$, array['{"pages": 2}'::jsonb],
  'update: the owner updates their attachment''s metadata');

select tests.authenticate_as('fa_admin');
select is_empty($$update public.file_attachments set metadata = '{}' where id = 'fa000000-0000-4000-8000-000000000001' returning 1$$,
  'update: an admin of the trip updates nothing');

select tests.authenticate_as('fa_editor');
select is_empty($$update public.file_attachments set metadata = '{}' where id = 'fa000000-0000-4000-8000-000000000001' returning 1$$,
  'update: an editor of the trip updates nothing');

select tests.authenticate_as('fa_viewer');
select is_empty($$update public.file_attachments set metadata = '{}' where id = 'fa000000-0000-4000-8000-000000000001' returning 1$$,
  'update: a viewer of the trip updates nothing');

select tests.authenticate_as('stranger');
select is_empty($$update public.file_attachments set metadata = '{}' where id = 'fa000000-0000-4000-8000-000000000001' returning 1$$,
  'update: another user updates nothing');

select tests.clear_authentication();
select throws_ok($$update public.file_attachments set metadata = '{}'$$, '42501', null, 'update: anon has no privilege');

select tests.authenticate_as_service_role();
select results_eq($$update public.file_attachments set virus_scan_status = 'clean', virus_scan_result = '{"engine": "test"}'
  where id = 'fa000000-0000-4000-8000-000000000001' returning virus_scan_status$$, array['clean'],
  'update: service_role (the scanner) records the scan outcome');

-- frozen columns
select tests.authenticate_as('fa_owner');
select throws_ok($$update public.file_attachments set file_path = tests.get_supabase_uid('fa_owner')::text || '/moved.pdf'
  where id = 'fa000000-0000-4000-8000-000000000002'$$, '42501', null, 'frozen: file_path cannot be changed');
select throws_ok($$update public.file_attachments set bucket_name = 'public'
  where id = 'fa000000-0000-4000-8000-000000000002'$$, '42501', null, 'frozen: bucket_name cannot be changed');
select throws_ok($$update public.file_attachments set user_id = tests.get_supabase_uid('stranger')
  where id = 'fa000000-0000-4000-8000-000000000002'$$, '42501', null, 'frozen: user_id cannot be changed');
select throws_ok($$update public.file_attachments set virus_scan_status = 'clean'
  where id = 'fa000000-0000-4000-8000-000000000002'$$, '42501', null, 'frozen: the owner cannot set virus_scan_status');
select throws_ok($$update public.file_attachments set virus_scan_result = '{"ok": true}'
  where id = 'fa000000-0000-4000-8000-000000000002'$$, '42501', null, 'frozen: the owner cannot set virus_scan_result');
select throws_ok($$update public.file_attachments set trip_id = 'a1000000-0000-4000-8000-000000000089'
  where id = 'fa000000-0000-4000-8000-000000000002'$$, '42501', null,
  'update: the owner cannot attach a file to another user''s trip');

select tests.authenticate_as_service_role();
select results_eq($$select virus_scan_status, file_path like '%/passport.png' from public.file_attachments
  where id = 'fa000000-0000-4000-8000-000000000002'$$, $$values ('pending', true)$$,
  'frozen: the refused updates left the row unchanged');

-- ---------------------------------------------------------------------------------------------
-- delete (owner only)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('fa_admin');
select is_empty($$delete from public.file_attachments where id = 'fa000000-0000-4000-8000-000000000001' returning 1$$,
  'delete: an admin of the trip deletes nothing');

select tests.authenticate_as('fa_editor');
select is_empty($$delete from public.file_attachments where id = 'fa000000-0000-4000-8000-000000000001' returning 1$$,
  'delete: an editor of the trip deletes nothing');

select tests.authenticate_as('fa_viewer');
select is_empty($$delete from public.file_attachments where id = 'fa000000-0000-4000-8000-000000000001' returning 1$$,
  'delete: a viewer of the trip deletes nothing');

select tests.authenticate_as('stranger');
select is_empty($$delete from public.file_attachments where id = 'fa000000-0000-4000-8000-000000000001' returning 1$$,
  'delete: another user deletes nothing');

select tests.clear_authentication();
select throws_ok($$delete from public.file_attachments$$, '42501', null, 'delete: anon has no privilege');

select tests.authenticate_as('fa_owner');
select results_eq($$delete from public.file_attachments where id = 'fa000000-0000-4000-8000-000000000002' returning 1$$,
  array[1], 'delete: the owner deletes their attachment');

select tests.authenticate_as_service_role();
select results_eq($$delete from public.file_attachments where id = 'fa000000-0000-4000-8000-000000000009' returning 1$$,
  array[1], 'delete: service_role deletes any attachment');

-- ---------------------------------------------------------------------------------------------
-- revocation and cascade
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('fa_owner');
delete from public.trip_collaborators where trip_id = 'a1000000-0000-4000-8000-000000000081'
  and user_id = tests.get_supabase_uid('fa_viewer');
select tests.authenticate_as('fa_viewer');
select is_empty($$select 1 from public.file_attachments$$,
  'revocation: a removed viewer no longer sees the trip''s attachments');

select tests.authenticate_as('fa_owner');
delete from public.trips where id = 'a1000000-0000-4000-8000-000000000081';
select tests.authenticate_as_service_role();
select is_empty($$select 1 from public.file_attachments where id = 'fa000000-0000-4000-8000-000000000001'$$,
  'cascade: deleting the trip deletes its attachment rows');

select * from finish();
rollback;

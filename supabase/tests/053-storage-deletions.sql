-- Security review, finding 4 (migration 20261206020400): a deleted attachment row — removed by its
-- owner, or gone with its trip, chat message or user — queues its Storage object in
-- private.storage_deletions, once. The queue is a service-only internal: owner, collaborator,
-- other user and anon can neither read nor write it; service_role can.
begin;
select plan(22);

select tests.create_supabase_user('sd_owner');
select tests.create_supabase_user('sd_editor');
select tests.create_supabase_user('sd_other');

insert into public.trips (id, user_id, name, destination, start_date, end_date) values
  ('a1000000-0000-4000-8000-0000000000f1', tests.get_supabase_uid('sd_owner'), 'Riga', 'Riga, LV', '2027-04-01', '2027-04-03');
insert into public.trip_collaborators (trip_id, user_id, role) values
  ('a1000000-0000-4000-8000-0000000000f1', tests.get_supabase_uid('sd_editor'), 'editor');
insert into public.chat_sessions (id, user_id) values ('d1000000-0000-4000-8000-0000000000f1', tests.get_supabase_uid('sd_owner'));
insert into public.chat_messages (id, session_id, user_id, role, content) values
  ('d2000000-0000-4000-8000-0000000000f1', 'd1000000-0000-4000-8000-0000000000f1', tests.get_supabase_uid('sd_owner'), 'user', 'files');

insert into public.file_attachments (id, user_id, trip_id, chat_message_id, filename, original_filename, file_size, mime_type, file_path)
select ('fd000000-0000-4000-8000-00000000000' || n)::uuid, tests.get_supabase_uid('sd_owner'), t, m, 'f.pdf', 'f.pdf', 10, 'application/pdf',
       tests.get_supabase_uid('sd_owner')::text || '/fd' || n || '/f.pdf'
  from (values
    (1, 'a1000000-0000-4000-8000-0000000000f1'::uuid, null::uuid),
    (2, 'a1000000-0000-4000-8000-0000000000f1'::uuid, null::uuid),
    (3, null, 'd2000000-0000-4000-8000-0000000000f1'::uuid),
    (4, null, null),
    (5, null, null)) v (n, t, m);

select tests.rls_enabled('private', 'storage_deletions');
select is_empty($$select 1 from private.storage_deletions$$, 'nothing is queued before a deletion');

-- the owner removes one attachment
select tests.authenticate_as('sd_owner');
select results_eq($$delete from public.file_attachments where id = 'fd000000-0000-4000-8000-000000000005' returning 1$$, array[1],
  'the owner deletes an attachment row');
reset role;
select results_eq($$select file_path from private.storage_deletions$$,
  $$select tests.get_supabase_uid('sd_owner')::text || '/fd5/f.pdf'$$, 'its object is queued');

-- a rolled-back deletion queues nothing
savepoint before_trip;
delete from public.trips where id = 'a1000000-0000-4000-8000-0000000000f1';
rollback to savepoint before_trip;
select is((select count(*)::int from private.storage_deletions), 1, 'a deletion that rolls back queues nothing');

-- the trip's deletion cascades to its attachments, each queued
select tests.authenticate_as('sd_owner');
select lives_ok($$delete from public.trips where id = 'a1000000-0000-4000-8000-0000000000f1'$$, 'the owner deletes the trip');
reset role;
select is((select count(*)::int from private.storage_deletions where file_path like '%/fd1/%' or file_path like '%/fd2/%'), 2,
  'finding 4: deleting a trip queues the objects of its attachments');

-- the message's deletion
delete from public.chat_messages where id = 'd2000000-0000-4000-8000-0000000000f1';
select is((select count(*)::int from private.storage_deletions where file_path like '%/fd3/%'), 1,
  'finding 4: deleting a chat message queues the objects of its attachments');

-- the user's deletion
delete from auth.users where id = tests.get_supabase_uid('sd_owner');
select is((select count(*)::int from private.storage_deletions where file_path like '%/fd4/%'), 1,
  'finding 4: deleting a user queues the objects of their remaining attachments');
select is((select count(*)::int from private.storage_deletions), 5, 'every deleted attachment is queued exactly once');
select is((select count(distinct bucket_name)::int from private.storage_deletions), 1, 'with its bucket');

-- the matrix: nobody but service_role reaches the queue
select tests.authenticate_as('sd_editor');
select throws_ok($$select 1 from private.storage_deletions$$, '42501', null, 'a collaborator cannot read the queue');
select throws_ok($$delete from private.storage_deletions$$, '42501', null, 'a collaborator cannot delete from the queue');
select tests.authenticate_as('sd_other');
select throws_ok($$select 1 from private.storage_deletions$$, '42501', null, 'another user cannot read the queue');
select throws_ok($$insert into private.storage_deletions (bucket_name, file_path) values ('attachments', 'x/y')$$, '42501', null,
  'another user cannot queue a deletion');
select throws_ok($$update private.storage_deletions set available_at = now() + interval '1 year'$$, '42501', null,
  'another user cannot postpone a deletion');
select tests.clear_authentication();
select throws_ok($$select 1 from private.storage_deletions$$, '42501', null, 'anon cannot read the queue');
select tests.authenticate_as_service_role();
select is((select count(*)::int from private.storage_deletions), 5, 'service_role reads the queue');
select results_eq($$delete from private.storage_deletions where file_path like '%/fd5/%' returning 1$$, array[1],
  'service_role deletes done rows');
reset role;

select table_privs_are('private', 'storage_deletions', 'authenticated', array[]::text[],
  'authenticated (owner, collaborator, other) has no privilege on storage_deletions');
select table_privs_are('private', 'storage_deletions', 'anon', array[]::text[], 'anon has no privilege on storage_deletions');
select is_definer('private', 'queue_attachment_object_deletion', array[]::text[],
  'the queueing trigger function is SECURITY DEFINER');

select * from finish();
rollback;

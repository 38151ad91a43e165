-- Security review, findings 2 and 3 (migration 20261206020000): only the verification path
-- (service_role: complete() and the scanner) finishes an upload or changes its declared type and
-- size, whatever the user's claims say; and once completed, the object cannot be overwritten,
-- upserted or replaced by its owner through Storage.
begin;
select plan(20);

select tests.create_supabase_user('av_owner');

insert into public.file_attachments (id, user_id, filename, original_filename, file_size, mime_type, file_path)
values
  ('fb000000-0000-4000-8000-000000000001', tests.get_supabase_uid('av_owner'), 'photo.png', 'photo.png', 100, 'image/png',
   tests.get_supabase_uid('av_owner')::text || '/fb000000-0000-4000-8000-000000000001/photo.png'),
  ('fb000000-0000-4000-8000-000000000002', tests.get_supabase_uid('av_owner'), 'done.png', 'done.png', 100, 'image/png',
   tests.get_supabase_uid('av_owner')::text || '/fb000000-0000-4000-8000-000000000002/done.png'),
  ('fb000000-0000-4000-8000-000000000003', tests.get_supabase_uid('av_owner'), 'bad.png', 'bad.png', 100, 'image/png',
   tests.get_supabase_uid('av_owner')::text || '/fb000000-0000-4000-8000-000000000003/bad.png');
insert into storage.objects (bucket_id, name, owner_id)
select 'attachments', file_path, user_id::text from public.file_attachments where id::text like 'fb%';
update public.file_attachments set upload_status = 'completed' where id = 'fb000000-0000-4000-8000-000000000002';

-- the owner, through PostgREST or raw SQL, cannot skip complete()'s verification
select tests.authenticate_as('av_owner');
select throws_ok($$update public.file_attachments set upload_status = 'completed'
  where id = 'fb000000-0000-4000-8000-000000000001'$$, '42501', null,
  'finding 2: the owner cannot mark their own upload completed');
select throws_ok($$insert into public.file_attachments (user_id, filename, original_filename, file_size, mime_type, file_path, upload_status)
  values (auth.uid(), 'x.png', 'x.png', 1, 'image/png', auth.uid()::text || '/x/x.png', 'completed')$$, '42501', null,
  'finding 2: the owner cannot insert an upload as completed');
select throws_ok($$update public.file_attachments set mime_type = 'text/html'
  where id = 'fb000000-0000-4000-8000-000000000002'$$, '42501', null,
  'finding 2: the owner cannot change mime_type of a completed upload');
select throws_ok($$update public.file_attachments set file_size = 5
  where id = 'fb000000-0000-4000-8000-000000000002'$$, '42501', null,
  'finding 2: the owner cannot change file_size of a completed upload');
select throws_ok($$update public.file_attachments set mime_type = 'text/html'
  where id = 'fb000000-0000-4000-8000-000000000001'$$, '42501', null,
  'finding 2: the owner cannot change mime_type while uploading either');
select throws_ok($$update public.file_attachments set upload_status = 'uploading'
  where id = 'fb000000-0000-4000-8000-000000000002'$$, '42501', null,
  'finding 2: the owner cannot reopen a completed upload');
select lives_ok($$update public.file_attachments set upload_status = 'failed'
  where id = 'fb000000-0000-4000-8000-000000000003'$$,
  'the owner may give up an upload (uploading → failed)');

-- claims are not a role: a service_role claim on an authenticated session changes nothing
select set_config('request.jwt.claims',
  json_build_object('sub', tests.get_supabase_uid('av_owner'), 'role', 'service_role')::text, true);
select throws_ok($$update public.file_attachments set upload_status = 'completed'
  where id = 'fb000000-0000-4000-8000-000000000001'$$, '42501', null,
  'finding 2: a role claim of service_role does not complete an upload');
select throws_ok($$update public.file_attachments set virus_scan_status = 'clean'
  where id = 'fb000000-0000-4000-8000-000000000001'$$, '42501', null,
  'a role claim of service_role does not set the virus scan outcome');

-- Storage: a completed object is immutable for its owner
select tests.authenticate_as('av_owner');
select is_empty($$update storage.objects set metadata = '{"mimetype": "text/html"}'
  where name = auth.uid()::text || '/fb000000-0000-4000-8000-000000000002/done.png' returning 1$$,
  'finding 3: the owner cannot overwrite the object of a completed upload');
select throws_ok($$insert into storage.objects (bucket_id, name)
  values ('attachments', auth.uid()::text || '/fb000000-0000-4000-8000-000000000002/done.png')
  on conflict (bucket_id, name) do update set metadata = excluded.metadata$$, '42501', null,
  'finding 3: the owner cannot upsert the object of a completed upload');
select is_empty($$update storage.objects set metadata = '{}'
  where name = auth.uid()::text || '/fb000000-0000-4000-8000-000000000003/bad.png' returning 1$$,
  'finding 3: nor the object of a failed upload');
select throws_ok($$insert into storage.objects (bucket_id, name)
  values ('attachments', auth.uid()::text || '/no-attachment/planted.png')$$, '42501', null,
  'finding 3: nor an object no upload was created for');
select results_eq($$update storage.objects set metadata = '{"size": 100}'
  where name = auth.uid()::text || '/fb000000-0000-4000-8000-000000000001/photo.png' returning 1$$, array[1],
  'the owner still writes the object of an upload in progress');

-- the verification path: service_role completes, sets type, size and the scan outcome
select tests.authenticate_as_service_role();
select results_eq($$update public.file_attachments set upload_status = 'completed'
  where id = 'fb000000-0000-4000-8000-000000000001' returning upload_status$$, array['completed'],
  'service_role (complete()) marks an upload completed');
select results_eq($$update public.file_attachments set virus_scan_status = 'clean'
  where id = 'fb000000-0000-4000-8000-000000000001' returning virus_scan_status$$, array['clean'],
  'service_role (the scanner) records the scan outcome');
select results_eq($$update storage.objects set metadata = '{"size": 100}'
  where name like '%/fb000000-0000-4000-8000-000000000002/done.png' returning 1$$, array[1],
  'service_role still manages every object');

-- the policy helper is not for anon, and is SECURITY DEFINER with an empty search_path
select tests.clear_authentication();
select throws_ok($$select private.attachment_object_writable('attachments', 'x')$$, '42501', null,
  'anon cannot call private.attachment_object_writable');
reset role;
select is_definer('private', 'attachment_object_writable', array['text', 'text'],
  'attachment_object_writable is SECURITY DEFINER');
select ok((select proconfig @> array['search_path=""'] from pg_proc where proname = 'attachment_object_writable'),
  'attachment_object_writable pins search_path to empty');

select * from finish();
rollback;

-- Storage: the private `attachments` bucket and the storage.objects policies. An authenticated
-- user selects, inserts, updates and deletes only objects of that bucket whose first folder is their
-- uid; anon reaches nothing.
begin;
select plan(25);

select tests.create_supabase_user('st_alice');
select tests.create_supabase_user('st_bob');

-- another bucket, to prove the policies are scoped to `attachments`
insert into storage.buckets (id, name, public) values ('tests-elsewhere', 'tests-elsewhere', false);

-- ---------------------------------------------------------------------------------------------
-- the bucket
-- ---------------------------------------------------------------------------------------------
select results_eq($$select public from storage.buckets where id = 'attachments'$$, array[false],
  'bucket: attachments exists and is private');
select results_eq($$select file_size_limit from storage.buckets where id = 'attachments'$$, array[10485760::bigint],
  'bucket: attachments is limited to 10 MiB per object');
select ok(
  (select allowed_mime_types @> array['image/png', 'image/jpeg', 'application/pdf', 'text/plain', 'text/csv',
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document']
     from storage.buckets where id = 'attachments'),
  'bucket: images, PDF, text, CSV and docx are allowed');
select ok(
  not (select allowed_mime_types && array['text/html', 'application/javascript', 'image/svg+xml', 'application/x-msdownload']
         from storage.buckets where id = 'attachments'),
  'bucket: active content (HTML, JS, SVG, executables) is not allowed');
select tests.rls_enabled('storage', 'objects');

-- ---------------------------------------------------------------------------------------------
-- insert
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('st_alice');
select lives_ok($$insert into storage.objects (bucket_id, name, owner_id)
  values ('attachments', tests.get_supabase_uid('st_alice')::text || '/trip/visa.pdf', tests.get_supabase_uid('st_alice')::text)$$,
  'insert: alice uploads under her own folder');
select throws_ok($$insert into storage.objects (bucket_id, name)
  values ('attachments', tests.get_supabase_uid('st_bob')::text || '/trip/planted.pdf')$$,
  '42501', null, 'insert: alice cannot upload under bob''s folder');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('attachments', 'loose.pdf')$$,
  '42501', null, 'insert: alice cannot upload outside any user folder');
select throws_ok($$insert into storage.objects (bucket_id, name)
  values ('tests-elsewhere', tests.get_supabase_uid('st_alice')::text || '/x.pdf')$$,
  '42501', null, 'insert: alice cannot upload into another bucket, even under her uid');

select tests.authenticate_as('st_bob');
select lives_ok($$insert into storage.objects (bucket_id, name)
  values ('attachments', tests.get_supabase_uid('st_bob')::text || '/notes.txt')$$,
  'insert: bob uploads under his own folder');

select tests.clear_authentication();
select throws_ok($$insert into storage.objects (bucket_id, name)
  values ('attachments', tests.get_supabase_uid('st_alice')::text || '/anon.pdf')$$,
  '42501', null, 'insert: anon cannot upload');

-- ---------------------------------------------------------------------------------------------
-- select
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('st_alice');
select results_eq($$select name from storage.objects$$,
  $$select tests.get_supabase_uid('st_alice')::text || '/trip/visa.pdf'$$,
  'select: alice lists only her own object');

select tests.authenticate_as('st_bob');
select results_eq($$select name from storage.objects$$,
  $$select tests.get_supabase_uid('st_bob')::text || '/notes.txt'$$,
  'select: bob lists only his own object');

select tests.clear_authentication();
select is_empty($$select 1 from storage.objects where bucket_id = 'attachments'$$,
  'select: anon lists nothing');

select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from storage.objects where bucket_id = 'attachments'
  and (storage.foldername(name))[1] in (tests.get_supabase_uid('st_alice')::text, tests.get_supabase_uid('st_bob')::text)$$,
  array[2], 'select: service_role lists every object');

-- ---------------------------------------------------------------------------------------------
-- update
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('st_alice');
select results_eq($$update storage.objects set name = tests.get_supabase_uid('st_alice')::text || '/trip/visa-v2.pdf'
  where name = tests.get_supabase_uid('st_alice')::text || '/trip/visa.pdf' returning 1$$, array[1],
  'update: alice renames her object within her folder');
select throws_ok($$update storage.objects set name = tests.get_supabase_uid('st_bob')::text || '/stolen.pdf'
  where name = tests.get_supabase_uid('st_alice')::text || '/trip/visa-v2.pdf'$$, '42501', null,
  'update: alice cannot move her object into bob''s folder');
select is_empty($$update storage.objects set metadata = '{"x": 1}'
  where name = tests.get_supabase_uid('st_bob')::text || '/notes.txt' returning 1$$,
  'update: alice cannot touch bob''s object');

select tests.clear_authentication();
select is_empty($$update storage.objects set metadata = '{}' where bucket_id = 'attachments' returning 1$$,
  'update: anon updates nothing');

-- ---------------------------------------------------------------------------------------------
-- delete
-- ---------------------------------------------------------------------------------------------
-- Storage refuses a direct SQL delete (it would orphan the bytes) unless the transaction sets
-- storage.allow_delete_query, which the Storage API does before each delete; so do the cells below.
select tests.authenticate_as('st_alice');
select throws_ok($$delete from storage.objects
  where name = tests.get_supabase_uid('st_alice')::text || '/trip/visa-v2.pdf'$$, '42501', null,
  'delete: a direct SQL delete is refused without storage.allow_delete_query');
select tests.authenticate_as_service_role();
select throws_ok($$delete from storage.buckets where id = 'tests-elsewhere'$$, '42501', null,
  'delete: even service_role cannot delete a bucket row directly');
select set_config('storage.allow_delete_query', 'true', true);

select tests.authenticate_as('st_bob');
select is_empty($$delete from storage.objects
  where name = tests.get_supabase_uid('st_alice')::text || '/trip/visa-v2.pdf' returning 1$$,
  'delete: bob cannot delete alice''s object');

select tests.clear_authentication();
select is_empty($$delete from storage.objects where bucket_id = 'attachments' returning 1$$,
  'delete: anon deletes nothing');

select tests.authenticate_as('st_alice');
select results_eq($$delete from storage.objects
  where name = tests.get_supabase_uid('st_alice')::text || '/trip/visa-v2.pdf' returning 1$$, array[1],
  'delete: alice deletes her own object');

select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from storage.objects
  where name = tests.get_supabase_uid('st_bob')::text || '/notes.txt'$$, array[1],
  'delete: bob''s object survived alice''s and anon''s attempts');

select * from finish();
rollback;

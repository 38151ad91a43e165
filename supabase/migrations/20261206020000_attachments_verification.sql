-- Attachments keep their guarantee (security review, findings 2 and 3).
--
-- 1. Only the verification path sets what verification vouches for. A user (anon or
--    authenticated: the roles of PostgREST and of the SDK's user scopes) may insert an upload only
--    as `uploading` with a pending scan, may move it only from `uploading` to `failed`, and may
--    never change `mime_type` or `file_size`. `completed`, the declared type and size and the scan
--    outcome are set by `complete()` through the service scope, or by the scanner. The check asks
--    which role runs the statement (`current_user`), never a JWT claim the caller can write.
-- 2. A completed object is immutable for users: Storage's insert (upload, upsert) and update
--    policies allow a user to write an object only while its attachment row is `uploading`.

create or replace function private.file_attachments_guard() returns trigger
language plpgsql security invoker set search_path = ''
as $$
declare
  -- The role running the statement: RLS-bound API roles are users; service_role, the scanner and
  -- the owner of the schema (migrations) are trusted. A claim such as `role` is never consulted.
  v_is_user boolean := current_user in ('anon', 'authenticated');
begin
  if tg_op = 'INSERT' then
    if v_is_user and (new.virus_scan_status <> 'pending' or new.virus_scan_result is not null) then
      raise exception 'only service_role can set the virus scan outcome' using errcode = '42501';
    end if;
    if v_is_user and new.upload_status <> 'uploading' then
      raise exception 'an attachment starts as uploading; only complete() can finish it' using errcode = '42501';
    end if;
    return new;
  end if;

  if new.user_id is distinct from old.user_id
    or new.file_path is distinct from old.file_path
    or new.bucket_name is distinct from old.bucket_name then
    raise exception 'file_attachments.user_id, file_path and bucket_name cannot be changed'
      using errcode = '42501';
  end if;
  if not v_is_user then
    return new;
  end if;
  if new.virus_scan_status is distinct from old.virus_scan_status
    or new.virus_scan_result is distinct from old.virus_scan_result then
    raise exception 'only service_role can set the virus scan outcome' using errcode = '42501';
  end if;
  if new.mime_type is distinct from old.mime_type or new.file_size is distinct from old.file_size then
    raise exception 'file_attachments.mime_type and file_size are fixed at upload' using errcode = '42501';
  end if;
  if new.upload_status is distinct from old.upload_status
    and not (old.upload_status = 'uploading' and new.upload_status = 'failed') then
    raise exception 'only complete() can finish an upload; a user can only mark it failed'
      using errcode = '42501';
  end if;
  return new;
end;
$$;

revoke execute on function private.file_attachments_guard() from public, anon, authenticated;

comment on column public.file_attachments.upload_status is
  'uploading → completed (only complete(), through the service scope) or failed (the owner may also mark it failed).';
comment on column public.file_attachments.mime_type is 'The declared type, checked by complete(); fixed at upload.';
comment on column public.file_attachments.file_size is 'The declared size in bytes, checked by complete(); fixed at upload.';

-- SECURITY DEFINER: it must see the attachment row whatever the caller's RLS lets them see, and it
-- runs inside the storage.objects policies below. True when `name` in `bucket` is the object of
-- an attachment of the current user that is still `uploading`.
create or replace function private.attachment_object_writable(p_bucket text, p_name text) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.file_attachments a
     where a.bucket_name = p_bucket
       and a.file_path = p_name
       and a.user_id = (select auth.uid())
       and a.upload_status = 'uploading'
  );
$$;

comment on function private.attachment_object_writable(text, text) is
  'Storage policy helper: the object belongs to an upload of the current user that is not yet completed or failed.';

revoke execute on function private.attachment_object_writable(text, text) from public, anon;
grant execute on function private.attachment_object_writable(text, text) to authenticated;

drop policy objects_insert_attachments_owner on storage.objects;
drop policy objects_update_attachments_owner on storage.objects;

create policy objects_insert_attachments_owner on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'attachments'
    and (storage.foldername(name))[1] = (select auth.uid()::text)
    and private.attachment_object_writable(bucket_id, name)
  );

create policy objects_update_attachments_owner on storage.objects
  for update to authenticated
  using (
    bucket_id = 'attachments'
    and (storage.foldername(name))[1] = (select auth.uid()::text)
    and private.attachment_object_writable(bucket_id, name)
  )
  with check (
    bucket_id = 'attachments'
    and (storage.foldername(name))[1] = (select auth.uid()::text)
    and private.attachment_object_writable(bucket_id, name)
  );

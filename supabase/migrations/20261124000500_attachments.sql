-- Attachments: file_attachments rows describe objects in the private `attachments` Storage bucket,
-- stored under {user_id}/... so the storage.objects policies can scope them by first folder.

create table public.file_attachments (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  trip_id uuid references public.trips (id) on delete cascade,
  chat_message_id uuid references public.chat_messages (id) on delete cascade,
  filename text not null,
  original_filename text not null,
  file_size bigint not null,
  mime_type text not null,
  file_path text not null,
  bucket_name text not null default 'attachments',
  upload_status text not null default 'uploading',
  virus_scan_status text not null default 'pending',
  virus_scan_result jsonb,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint file_attachments_file_path_key unique (file_path),
  constraint file_attachments_filename_check check (char_length(filename) between 1 and 255),
  constraint file_attachments_original_filename_check check (char_length(original_filename) between 1 and 1024),
  constraint file_attachments_file_size_check check (file_size > 0),
  constraint file_attachments_mime_type_check check (char_length(mime_type) between 3 and 255),
  constraint file_attachments_file_path_check check (
    starts_with(file_path, user_id::text || '/') and char_length(file_path) <= 1024
  ),
  constraint file_attachments_bucket_name_check check (char_length(bucket_name) between 1 and 100),
  constraint file_attachments_upload_status_check check (upload_status in ('uploading', 'completed', 'failed')),
  constraint file_attachments_virus_scan_status_check
    check (virus_scan_status in ('pending', 'clean', 'infected', 'failed'))
);

comment on table public.file_attachments is
  'Metadata of an uploaded file; the bytes are the Storage object bucket_name/file_path.';
comment on column public.file_attachments.filename is 'The sanitised name used in file_path.';
comment on column public.file_attachments.original_filename is 'The name the user uploaded (display only, never a path).';
comment on column public.file_attachments.file_path is
  'Object key inside the bucket; always under {user_id}/. Frozen after insert.';
comment on column public.file_attachments.virus_scan_status is
  'Only service_role (the scanner) may set anything but pending (trigger file_attachments_guard).';
comment on column public.file_attachments.virus_scan_result is 'Scanner report; null until scanned.';

create index file_attachments_user_id_created_at_idx on public.file_attachments (user_id, created_at desc);
create index file_attachments_trip_id_idx on public.file_attachments (trip_id);
create index file_attachments_chat_message_id_idx on public.file_attachments (chat_message_id);

create or replace function private.file_attachments_guard() returns trigger
language plpgsql security invoker set search_path = ''
as $$
declare
  v_is_service boolean := coalesce(auth.role(), '') = 'service_role' or current_user = 'service_role';
begin
  if tg_op = 'INSERT' then
    if not v_is_service and (new.virus_scan_status <> 'pending' or new.virus_scan_result is not null) then
      raise exception 'only service_role can set the virus scan outcome' using errcode = '42501';
    end if;
    return new;
  end if;

  if new.user_id is distinct from old.user_id
    or new.file_path is distinct from old.file_path
    or new.bucket_name is distinct from old.bucket_name then
    raise exception 'file_attachments.user_id, file_path and bucket_name cannot be changed'
      using errcode = '42501';
  end if;
  if not v_is_service and (
    new.virus_scan_status is distinct from old.virus_scan_status
    or new.virus_scan_result is distinct from old.virus_scan_result
  ) then
    raise exception 'only service_role can set the virus scan outcome' using errcode = '42501';
  end if;
  return new;
end;
$$;

create trigger file_attachments_guard
  before insert or update on public.file_attachments
  for each row execute function private.file_attachments_guard();

revoke execute on function private.file_attachments_guard() from public, anon, authenticated;

create trigger file_attachments_set_updated_at
  before update on public.file_attachments
  for each row execute function private.set_updated_at();

alter table public.file_attachments enable row level security;

-- anon gets nothing. authenticated gets plain DML only (not TRUNCATE, which ignores RLS, nor
-- REFERENCES/TRIGGER/MAINTAIN); the policies below decide which rows.
revoke all on public.file_attachments from anon, authenticated;
grant select, insert, update, delete on public.file_attachments to authenticated;

create policy file_attachments_select_member on public.file_attachments
  for select to authenticated
  using (
    user_id = (select auth.uid())
    or (trip_id is not null and private.has_trip_access(trip_id))
  );

-- The message check relies on chat_messages.user_id always being the session owner.
create policy file_attachments_insert_owner on public.file_attachments
  for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and starts_with(file_path, (select auth.uid()::text) || '/')
    and (trip_id is null or private.can_edit_trip(trip_id))
    and (
      chat_message_id is null
      or exists (
        select 1 from public.chat_messages m
        where m.id = chat_message_id and m.user_id = (select auth.uid())
      )
    )
  );

create policy file_attachments_update_owner on public.file_attachments
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and (trip_id is null or private.can_edit_trip(trip_id))
    and (
      chat_message_id is null
      or exists (
        select 1 from public.chat_messages m
        where m.id = chat_message_id and m.user_id = (select auth.uid())
      )
    )
  );

create policy file_attachments_delete_owner on public.file_attachments
  for delete to authenticated
  using (user_id = (select auth.uid()));

-- ---------------------------------------------------------------------------------------------
-- Storage bucket and object policies
-- ---------------------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values (
  'attachments',
  'attachments',
  false,
  10485760,
  array[
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'application/pdf',
    'text/plain',
    'text/csv',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
  ]
)
on conflict (id) do nothing;

-- An authenticated user reaches only objects of the bucket under their own first folder.
create policy objects_select_attachments_owner on storage.objects
  for select to authenticated
  using (bucket_id = 'attachments' and (storage.foldername(name))[1] = (select auth.uid()::text));

create policy objects_insert_attachments_owner on storage.objects
  for insert to authenticated
  with check (bucket_id = 'attachments' and (storage.foldername(name))[1] = (select auth.uid()::text));

create policy objects_update_attachments_owner on storage.objects
  for update to authenticated
  using (bucket_id = 'attachments' and (storage.foldername(name))[1] = (select auth.uid()::text))
  with check (bucket_id = 'attachments' and (storage.foldername(name))[1] = (select auth.uid()::text));

create policy objects_delete_attachments_owner on storage.objects
  for delete to authenticated
  using (bucket_id = 'attachments' and (storage.foldername(name))[1] = (select auth.uid()::text));

-- Attachments (security review, finding 4): deleting a trip, a chat message or a user removes
-- their Storage objects, exactly once.
--
-- Rows of file_attachments go by cascade, and Postgres cannot reach Storage. So every deleted
-- attachment row records its object in private.storage_deletions, in the same transaction (a
-- deletion that rolls back records nothing); `tripsage.service.attachments.deleteQueuedObjects()`
-- deletes the objects through the Storage port and then the queue rows. Deleting a missing object
-- is a no-op, so a run that dies after deleting objects but before deleting their queue rows is
-- simply repeated: no object is forgotten, none is deleted twice in effect.
--
-- Service-only internals, like the job outbox: `private`, RLS on and no policy. Rows outlive the
-- user on purpose (a user's deletion is one of the causes), so no foreign key to auth.users.

create table private.storage_deletions (
  id uuid primary key default gen_random_uuid(),
  bucket_name text not null,
  file_path text not null,
  attempts integer not null default 0,
  available_at timestamptz not null default now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint storage_deletions_bucket_name_file_path_key unique (bucket_name, file_path),
  constraint storage_deletions_attempts_check check (attempts >= 0),
  constraint storage_deletions_last_error_check check (char_length(last_error) <= 200)
);

comment on table private.storage_deletions is
  'Storage objects of deleted attachment rows, deleted by deleteQueuedObjects() at least once (deleting is idempotent).';
comment on column private.storage_deletions.locked_until is
  'A run holds the row until then; a run that died mid-way leaves it to the next one after this instant.';
comment on column private.storage_deletions.last_error is 'An error code of the last failed attempt (never row data).';

create index storage_deletions_due_idx on private.storage_deletions (available_at);

create trigger storage_deletions_set_updated_at
  before update on private.storage_deletions
  for each row execute function private.set_updated_at();

alter table private.storage_deletions enable row level security;
revoke all on private.storage_deletions from public, anon, authenticated;
grant select, insert, update, delete on private.storage_deletions to service_role;

-- SECURITY DEFINER: the deleting role (a user removing an attachment, a cascade from a trip,
-- message or account) has no privilege on the queue. Recording an object twice is one row.
create or replace function private.queue_attachment_object_deletion() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into private.storage_deletions (bucket_name, file_path)
  values (old.bucket_name, old.file_path)
  on conflict (bucket_name, file_path) do nothing;
  return old;
end;
$$;

comment on function private.queue_attachment_object_deletion() is
  'Trigger: a deleted file_attachments row queues its Storage object for deletion.';

revoke execute on function private.queue_attachment_object_deletion() from public, anon, authenticated;

create trigger file_attachments_queue_object_deletion
  after delete on public.file_attachments
  for each row execute function private.queue_attachment_object_deletion();

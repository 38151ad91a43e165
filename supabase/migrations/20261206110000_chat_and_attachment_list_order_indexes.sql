-- Chat session and attachment listing (decision 0020): B-tree indexes in the lists' keyset order,
-- as 20261206100000 gave memory.list. chat.sessions.list and attachments.list order by
-- (created_at desc, id desc) and continue after a (created_at, id) cursor, filtered by the caller
-- (user_id) or by a trip (trip_id). The first indexes led by those columns ended at created_at
-- (own rows: an incremental sort on id) or at trip_id (a trip's list sorted every row of the
-- trip); these replace them and still lead with the foreign key they cover.
create index chat_sessions_user_id_created_at_id_idx
  on public.chat_sessions (user_id, created_at desc, id desc);
create index chat_sessions_trip_id_created_at_id_idx
  on public.chat_sessions (trip_id, created_at desc, id desc);
drop index public.chat_sessions_user_id_created_at_idx;
drop index public.chat_sessions_trip_id_idx;

create index file_attachments_user_id_created_at_id_idx
  on public.file_attachments (user_id, created_at desc, id desc);
create index file_attachments_trip_id_created_at_id_idx
  on public.file_attachments (trip_id, created_at desc, id desc);
drop index public.file_attachments_user_id_created_at_idx;
drop index public.file_attachments_trip_id_idx;

-- attachments.purgeStaleUploads (service role) takes the oldest rows still uploading or failed:
-- a partial index holds only those, where a scan read every completed row of every user.
create index file_attachments_stale_uploads_idx
  on public.file_attachments (created_at)
  where upload_status in ('uploading', 'failed');

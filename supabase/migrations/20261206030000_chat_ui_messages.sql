-- AI SDK UI messages in chat_messages (decision 0013-aichat-ui-message-storage).
--
-- A message is now stored as the AI SDK keeps it: its own id (`ui_id`, any string the client
-- chose, unique per session), its parts (`parts`, a jsonb array kept verbatim: text, reasoning,
-- tool parts in every state, files, sources, data parts, step boundaries) and its metadata
-- (`ui_metadata`, any JSON value; SQL NULL when the message has none). `content` stays: it holds
-- the text of the text parts, so full-text search and memory sync keep reading one text column.
--
-- Messages the old way (`me.chat.messages.append`: role + content + metadata) get the same shape
-- from a trigger: `ui_id` = the row id, one text part holding the content, `ui_metadata` = the
-- metadata when it is not empty. Existing rows are migrated the same way below.
--
-- Saving is an upsert by `ui_id` (useChat re-sends the whole history and an assistant message
-- grows while tools run), so the session owner may now update a message's parts, text and
-- metadata — only those columns, only in an open session. The id, role, session, author and
-- order of a message stay immutable.

alter table public.chat_messages
  add column ui_id text,
  add column parts jsonb,
  add column ui_metadata jsonb;

comment on column public.chat_messages.ui_id is
  'The AI SDK UIMessage id (any 1-200 character string); NULL or the row id as text for messages written without one. coalesce(ui_id, id::text) is unique per session.';
comment on column public.chat_messages.parts is
  'The AI SDK UIMessage parts, verbatim (a jsonb array); NULL reads as one text part holding content. content holds the text of its text parts.';
comment on column public.chat_messages.ui_metadata is
  'The AI SDK UIMessage metadata (any JSON value); NULL when the message has none.';

-- Existing rows: role + content + metadata -> parts.
update public.chat_messages
   set ui_id = id::text,
       parts = jsonb_build_array(jsonb_build_object('type', 'text', 'text', content)),
       ui_metadata = case when metadata = '{}'::jsonb then null else metadata end;

alter table public.chat_messages
  add constraint chat_messages_ui_id_check check (char_length(ui_id) between 1 and 200),
  add constraint chat_messages_parts_check check (jsonb_typeof(parts) = 'array');

-- A message's UI id is ui_id, or its row id when ui_id is NULL; unique per session.
create unique index chat_messages_session_id_ui_id_key
  on public.chat_messages (session_id, (coalesce(ui_id, id::text)));

-- Rows inserted without UI fields (the append path, supabase-js, SQL) get the migrated shape. The
-- columns stay nullable and readers fall back to the same shape (coalesce), so rows written while
-- triggers are off (session_replication_role = replica: logical replication, bulk loads) still
-- read as UI messages.
create or replace function private.chat_messages_ui_defaults() returns trigger
language plpgsql security invoker set search_path = ''
as $$
begin
  new.ui_id := coalesce(new.ui_id, new.id::text);
  if new.parts is null then
    new.parts := pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('type', 'text', 'text', new.content));
    if new.ui_metadata is null and new.metadata is distinct from '{}'::jsonb then
      new.ui_metadata := new.metadata;
    end if;
  end if;
  return new;
end;
$$;

comment on function private.chat_messages_ui_defaults() is
  'Trigger: a message inserted without parts gets ui_id = id, one text part with its content, and its metadata as ui_metadata.';

revoke execute on function private.chat_messages_ui_defaults() from public, anon, authenticated;

create trigger chat_messages_ui_defaults
  before insert on public.chat_messages
  for each row execute function private.chat_messages_ui_defaults();

-- An ended session is read-only for message updates too (inserts are refused since
-- 20261124002000_chat_lifecycle).
create trigger chat_messages_update_session_must_be_open
  before update on public.chat_messages
  for each row execute function private.chat_session_must_be_open();

-- The owner updates parts, text and metadata of their messages; nothing else.
revoke update on public.chat_messages from authenticated;
grant update (parts, content, metadata, ui_metadata) on public.chat_messages to authenticated;

create policy chat_messages_update_owner on public.chat_messages
  for update to authenticated
  using (user_id = (select auth.uid()) and private.owns_chat_session(session_id))
  with check (user_id = (select auth.uid()) and private.owns_chat_session(session_id));

comment on table public.chat_messages is
  'Messages of a session, as AI SDK UIMessages: users insert and read; the session owner updates parts, content and metadata of a message in an open session; only deleting the session deletes them.';

-- Tool parts are projected into chat_tool_calls, one row per (message, provider call id).
create index chat_tool_calls_message_id_tool_call_id_idx on public.chat_tool_calls (message_id, tool_call_id);

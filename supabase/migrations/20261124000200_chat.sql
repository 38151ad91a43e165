-- Chat: sessions (optionally linked to a trip), immutable messages, tool calls.

create table public.chat_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  trip_id uuid references public.trips (id) on delete set null,
  title text,
  metadata jsonb not null default '{}',
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint chat_sessions_title_check check (char_length(title) <= 200)
);

comment on table public.chat_sessions is
  'A conversation owned by user_id. When linked to a trip, everyone with access to the trip can read it.';

create index chat_sessions_user_id_created_at_idx on public.chat_sessions (user_id, created_at desc);
create index chat_sessions_trip_id_idx on public.chat_sessions (trip_id);

create table public.chat_messages (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.chat_sessions (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null,
  content text not null,
  metadata jsonb not null default '{}',
  seq bigint generated always as identity,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint chat_messages_seq_key unique (seq),
  constraint chat_messages_role_check check (role in ('user', 'assistant', 'system', 'tool')),
  constraint chat_messages_content_check check (char_length(content) <= 32768)
);

comment on table public.chat_messages is
  'Immutable messages of a session: users may insert and read, never update or delete (deleting the session deletes them).';
comment on column public.chat_messages.user_id is 'The session owner (whoever wrote the row on their behalf).';
comment on column public.chat_messages.seq is
  'Global insertion order: the keyset for history paging (created_at ties within a transaction).';

create index chat_messages_session_id_seq_idx on public.chat_messages (session_id, seq);
create index chat_messages_user_id_idx on public.chat_messages (user_id);

create table public.chat_tool_calls (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.chat_sessions (id) on delete cascade,
  message_id uuid references public.chat_messages (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  tool_call_id text,
  tool_name text not null,
  arguments jsonb not null default '{}',
  result jsonb,
  status text not null default 'pending',
  error_message text,
  provider_executed boolean not null default false,
  started_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint chat_tool_calls_tool_call_id_check check (char_length(tool_call_id) between 1 and 200),
  constraint chat_tool_calls_tool_name_check check (char_length(tool_name) between 1 and 200),
  constraint chat_tool_calls_status_check check (status in ('pending', 'running', 'completed', 'failed')),
  constraint chat_tool_calls_error_message_check check (char_length(error_message) <= 4000)
);

comment on column public.chat_tool_calls.tool_call_id is 'The model provider''s id for the call.';
comment on column public.chat_tool_calls.provider_executed is
  'True when the provider ran the tool itself (the row only records it).';
comment on column public.chat_tool_calls.status is
  'pending -> running -> completed | failed (pending may also go straight to completed | failed); enforced by trigger.';

create index chat_tool_calls_session_id_tool_call_id_idx on public.chat_tool_calls (session_id, tool_call_id);
create index chat_tool_calls_message_id_idx on public.chat_tool_calls (message_id);
create index chat_tool_calls_user_id_idx on public.chat_tool_calls (user_id);

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

create or replace function private.owns_chat_session(p_session_id uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.chat_sessions s
    where s.id = p_session_id and s.user_id = auth.uid()
  );
$$;

create or replace function private.can_read_chat_session(p_session_id uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.chat_sessions s
    where s.id = p_session_id
      and (
        s.user_id = auth.uid()
        or exists (select 1 from public.trips t where t.id = s.trip_id and t.user_id = auth.uid())
        or exists (
          select 1 from public.trip_collaborators c
          where c.trip_id = s.trip_id and c.user_id = auth.uid()
        )
      )
  );
$$;

comment on function private.owns_chat_session(uuid) is 'RLS helper: the current user owns the chat session.';
comment on function private.can_read_chat_session(uuid) is
  'RLS helper: the current user owns the session or has access to its linked trip.';

revoke execute on function private.owns_chat_session(uuid), private.can_read_chat_session(uuid)
  from public, anon, authenticated;
grant execute on function private.owns_chat_session(uuid), private.can_read_chat_session(uuid)
  to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Tool call status machine
-- ---------------------------------------------------------------------------------------------

create or replace function private.chat_tool_calls_status() returns trigger
language plpgsql security invoker set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.status is distinct from old.status then
    if not (
      (old.status = 'pending' and new.status in ('running', 'completed', 'failed'))
      or (old.status = 'running' and new.status in ('completed', 'failed'))
    ) then
      raise exception 'invalid tool call status transition'
        using errcode = '55000', detail = format('%s -> %s', old.status, new.status);
    end if;
  end if;
  if new.status = 'running' and (tg_op = 'INSERT' or old.status is distinct from 'running') then
    new.started_at := coalesce(new.started_at, pg_catalog.now());
  end if;
  if new.status in ('completed', 'failed') and (tg_op = 'INSERT' or old.status not in ('completed', 'failed')) then
    new.completed_at := coalesce(new.completed_at, pg_catalog.now());
  end if;
  return new;
end;
$$;

create trigger chat_tool_calls_status
  before insert or update on public.chat_tool_calls
  for each row execute function private.chat_tool_calls_status();

revoke execute on function private.chat_tool_calls_status() from public, anon, authenticated;

create trigger chat_sessions_set_updated_at
  before update on public.chat_sessions
  for each row execute function private.set_updated_at();
create trigger chat_messages_set_updated_at
  before update on public.chat_messages
  for each row execute function private.set_updated_at();
create trigger chat_tool_calls_set_updated_at
  before update on public.chat_tool_calls
  for each row execute function private.set_updated_at();

-- ---------------------------------------------------------------------------------------------
-- RLS
-- ---------------------------------------------------------------------------------------------

alter table public.chat_sessions enable row level security;
alter table public.chat_messages enable row level security;
alter table public.chat_tool_calls enable row level security;

-- anon gets nothing. authenticated gets plain DML only (not TRUNCATE, which ignores RLS, nor
-- REFERENCES/TRIGGER/MAINTAIN); the policies below decide which rows.
revoke all on public.chat_sessions, public.chat_messages, public.chat_tool_calls from anon, authenticated;
grant select, insert, update, delete on public.chat_sessions, public.chat_messages, public.chat_tool_calls
  to authenticated;
-- The identity sequence behind chat_messages.seq needs no grant (identity columns skip it).
revoke all on sequence public.chat_messages_seq_seq from anon, authenticated;

create policy chat_sessions_select_member on public.chat_sessions
  for select to authenticated
  using (
    user_id = (select auth.uid())
    or (trip_id is not null and private.has_trip_access(trip_id))
  );

create policy chat_sessions_insert_owner on public.chat_sessions
  for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and (trip_id is null or private.has_trip_access(trip_id))
  );

create policy chat_sessions_update_owner on public.chat_sessions
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and (trip_id is null or private.has_trip_access(trip_id))
  );

create policy chat_sessions_delete_owner on public.chat_sessions
  for delete to authenticated
  using (user_id = (select auth.uid()));

-- No update or delete policies: messages are immutable.
create policy chat_messages_select_member on public.chat_messages
  for select to authenticated
  using (private.can_read_chat_session(session_id));

create policy chat_messages_insert_owner on public.chat_messages
  for insert to authenticated
  with check (user_id = (select auth.uid()) and private.owns_chat_session(session_id));

-- No delete policy: tool calls go with their session or message.
create policy chat_tool_calls_select_member on public.chat_tool_calls
  for select to authenticated
  using (private.can_read_chat_session(session_id));

create policy chat_tool_calls_insert_owner on public.chat_tool_calls
  for insert to authenticated
  with check (user_id = (select auth.uid()) and private.owns_chat_session(session_id));

create policy chat_tool_calls_update_owner on public.chat_tool_calls
  for update to authenticated
  using (user_id = (select auth.uid()) and private.owns_chat_session(session_id))
  with check (user_id = (select auth.uid()) and private.owns_chat_session(session_id));

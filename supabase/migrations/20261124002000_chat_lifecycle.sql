-- Chat lifecycle rules the SDK relies on, enforced where every client (SDK, supabase-js, SQL)
-- meets them:
--
-- 1. An ended session is read-only: no new messages or tool calls once ended_at is set
--    (SQLSTATE 55000, "chat session has ended"). Updating existing tool calls stays allowed, so
--    a tool that was running when the session ended can still complete or fail.
-- 2. The tool call status machine also refuses "transitions" that keep the status: a finished
--    (completed | failed) tool call is immutable, and running -> running is refused, so starting,
--    completing or failing a call twice is a conflict instead of silently overwriting its result.

-- ---------------------------------------------------------------------------------------------
-- 1. Ended sessions are read-only
-- ---------------------------------------------------------------------------------------------

-- SECURITY INVOKER on purpose: the lookup runs under the caller's RLS, so a caller who cannot see
-- the session learns nothing here (their insert fails the RLS check with 42501 instead).
create or replace function private.chat_session_must_be_open() returns trigger
language plpgsql security invoker set search_path = ''
as $$
begin
  if exists (
    select 1 from public.chat_sessions s
    where s.id = new.session_id and s.ended_at is not null
  ) then
    raise exception 'chat session has ended' using errcode = '55000';
  end if;
  return new;
end;
$$;

comment on function private.chat_session_must_be_open() is
  'Trigger: refuses (55000) new messages and tool calls in an ended chat session.';

revoke execute on function private.chat_session_must_be_open() from public, anon, authenticated;

create trigger chat_messages_session_must_be_open
  before insert on public.chat_messages
  for each row execute function private.chat_session_must_be_open();

create trigger chat_tool_calls_session_must_be_open
  before insert on public.chat_tool_calls
  for each row execute function private.chat_session_must_be_open();

-- ---------------------------------------------------------------------------------------------
-- 2. Tool call status machine: finished calls are immutable, running -> running is refused
-- ---------------------------------------------------------------------------------------------

create or replace function private.chat_tool_calls_status() returns trigger
language plpgsql security invoker set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and not (
    -- A pending call may still be edited (status unchanged) or move on.
    (old.status = 'pending' and new.status in ('pending', 'running', 'completed', 'failed'))
    or (old.status = 'running' and new.status in ('completed', 'failed'))
  ) then
    raise exception 'invalid tool call status transition'
      using errcode = '55000', detail = format('%s -> %s', old.status, new.status);
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

comment on function private.chat_tool_calls_status() is
  'Trigger: pending -> running | completed | failed, running -> completed | failed; finished calls are immutable (55000).';

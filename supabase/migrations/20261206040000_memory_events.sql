-- Memory history: an append-only log of every change to a long-term memory (public.memories).
--
-- A trigger on public.memories writes one row per insert, content/type/importance/metadata/expiry
-- change and delete, so no writer (the SDK, the memory-sync job, plain SQL) can change a memory
-- without leaving a trace. The writer describes the change in the transaction-local setting
-- `tripsage.memory_change` (JSON: decider, sourceMessageIds, reason, operation); without it the
-- decider is `user` or `service` by the JWT role and a delete is a `forget`.
--
-- Events are stamped with clock_timestamp() and numbered by `seq` (clocks tie; PGlite's is coarse),
-- so the changes of one transaction keep their order.
--
-- Nobody updates or deletes an event: no role has UPDATE/DELETE/TRUNCATE privileges, and a
-- trigger refuses them even for the table owner. The one exception is the cascade of a deleted
-- account: its history goes with it.

create table public.memory_events (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  user_id uuid not null references auth.users (id) on delete cascade,
  memory_id uuid not null,
  operation text not null,
  old_content text,
  new_content text,
  memory_type text not null,
  importance real not null,
  metadata jsonb not null default '{}',
  expires_at timestamptz,
  source_message_ids uuid[] not null default '{}',
  decider text not null,
  reason text,
  created_at timestamptz not null default now(),
  constraint memory_events_operation_check check (
    operation in ('add', 'update', 'delete', 'forget', 'restore')
  ),
  constraint memory_events_content_check check (
    case operation
      when 'add' then old_content is null and new_content is not null
      when 'update' then old_content is not null and new_content is not null
      when 'restore' then new_content is not null
      else old_content is not null and new_content is null
    end
  ),
  constraint memory_events_decider_check check (char_length(decider) between 1 and 200),
  constraint memory_events_reason_check check (reason is null or char_length(reason) <= 2000),
  constraint memory_events_source_message_ids_check check (cardinality(source_message_ids) <= 100)
);

comment on table public.memory_events is
  'Append-only history of long-term memories: one row per add, update, delete (by a decider), forget (by the user) and restore.';
comment on column public.memory_events.seq is 'Append order: the history of a memory is read by seq.';
comment on column public.memory_events.memory_id is
  'The memory the event is about (not a foreign key: the history outlives a deleted memory, which can be restored from it).';
comment on column public.memory_events.memory_type is
  'The memory''s type after the event (before it, for delete and forget); with importance, metadata and expires_at, enough to restore it.';
comment on column public.memory_events.decider is
  'Who decided: a model id (`model:<provider>/<id>`), a rule (`rule:<name>`), `user`, `service` or `expiry`.';
comment on column public.memory_events.source_message_ids is
  'The chat messages the decision was drawn from (empty for direct calls).';

-- Policy column first: the owner's history of one memory, in order.
create index memory_events_user_id_memory_id_seq_idx
  on public.memory_events (user_id, memory_id, seq);

alter table public.memory_events enable row level security;

revoke all on public.memory_events from public, anon, authenticated, service_role;
revoke all on sequence public.memory_events_seq_seq from public, anon, authenticated, service_role;
grant select on public.memory_events to authenticated, service_role;

create policy memory_events_select_owner on public.memory_events
  for select to authenticated
  using (user_id = (select auth.uid()));

-- ---------------------------------------------------------------------------------------------
-- append-only
-- ---------------------------------------------------------------------------------------------
create or replace function private.memory_events_append_only() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- The cascade of a deleted account (auth.users row already gone) takes the history with it.
  if tg_op = 'DELETE' and not exists (select 1 from auth.users u where u.id = old.user_id) then
    return old;
  end if;
  raise exception 'memory_events is append-only'
    using errcode = '42501', hint = 'History rows are never changed or deleted.';
end;
$$;

comment on function private.memory_events_append_only() is
  'BEFORE UPDATE/DELETE/TRUNCATE trigger of public.memory_events: refuses every change, except the cascade of a deleted account.';
revoke execute on function private.memory_events_append_only() from public, anon, authenticated;

create trigger memory_events_append_only
  before update or delete on public.memory_events
  for each row execute function private.memory_events_append_only();
create trigger memory_events_no_truncate
  before truncate on public.memory_events
  for each statement execute function private.memory_events_append_only();

-- ---------------------------------------------------------------------------------------------
-- recording
-- ---------------------------------------------------------------------------------------------
create or replace function private.record_memory_event() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  change jsonb := nullif(pg_catalog.current_setting('tripsage.memory_change', true), '')::jsonb;
  requested text := change ->> 'operation';
  decider text := coalesce(
    nullif(change ->> 'decider', ''),
    case when auth.role() = 'authenticated' then 'user' else 'service' end
  );
  sources uuid[] := coalesce(
    (select pg_catalog.array_agg(s::uuid) from pg_catalog.jsonb_array_elements_text(change -> 'sourceMessageIds') s),
    '{}'
  );
  reason text := change ->> 'reason';
begin
  if tg_op = 'INSERT' then
    insert into public.memory_events (user_id, memory_id, operation, old_content, new_content, memory_type,
      importance, metadata, expires_at, source_message_ids, decider, reason, created_at)
    values (new.user_id, new.id, case when requested = 'restore' then 'restore' else 'add' end, null, new.content,
      new.memory_type, new.importance, new.metadata, new.expires_at, sources, decider, reason, pg_catalog.clock_timestamp());
    return new;
  elsif tg_op = 'UPDATE' then
    -- A re-embedding alone is not a change of the memory.
    if (new.content, new.memory_type, new.importance, new.metadata, new.expires_at, new.user_id)
       is not distinct from (old.content, old.memory_type, old.importance, old.metadata, old.expires_at, old.user_id) then
      return new;
    end if;
    insert into public.memory_events (user_id, memory_id, operation, old_content, new_content, memory_type,
      importance, metadata, expires_at, source_message_ids, decider, reason, created_at)
    values (new.user_id, new.id, case when requested = 'restore' then 'restore' else 'update' end, old.content,
      new.content, new.memory_type, new.importance, new.metadata, new.expires_at, sources, decider, reason, pg_catalog.clock_timestamp());
    return new;
  else
    -- The cascade of a deleted account leaves no history behind.
    if not exists (select 1 from auth.users u where u.id = old.user_id) then
      return old;
    end if;
    insert into public.memory_events (user_id, memory_id, operation, old_content, new_content, memory_type,
      importance, metadata, expires_at, source_message_ids, decider, reason, created_at)
    values (old.user_id, old.id, case when requested = 'delete' then 'delete' else 'forget' end, old.content, null,
      old.memory_type, old.importance, old.metadata, old.expires_at, sources, decider, reason, pg_catalog.clock_timestamp());
    return old;
  end if;
end;
$$;

comment on function private.record_memory_event() is
  'AFTER INSERT/UPDATE/DELETE trigger of public.memories: appends the change to public.memory_events, described by the transaction-local setting tripsage.memory_change.';
revoke execute on function private.record_memory_event() from public, anon, authenticated;

create trigger memories_record_event
  after insert or update or delete on public.memories
  for each row execute function private.record_memory_event();

-- Jobs: a transactional outbox for QStash jobs and a record of jobs that failed for good.
--
-- Both tables are service-only internals, so they live in `private` (never exposed over the Data
-- API) with RLS on and no policy: only service_role (BYPASSRLS) and the SECURITY DEFINER function
-- below touch them. Rows belong to a user and go away with the account (their payloads carry the
-- user's chat text).

create table private.job_outbox (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  job text not null,
  dedup_key text not null,
  payload jsonb not null,
  available_at timestamptz not null default now(),
  attempts integer not null default 0,
  locked_until timestamptz,
  published_at timestamptz,
  message_id text,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint job_outbox_dedup_key_key unique (dedup_key),
  constraint job_outbox_job_check check (job ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  constraint job_outbox_dedup_key_check check (char_length(dedup_key) between 1 and 512),
  constraint job_outbox_attempts_check check (attempts >= 0),
  constraint job_outbox_last_error_check check (char_length(last_error) <= 200),
  constraint job_outbox_message_id_check check (char_length(message_id) <= 200)
);

comment on table private.job_outbox is
  'Jobs written in the same transaction as the data they are about, published to QStash by relayOutbox() at least once.';
comment on column private.job_outbox.dedup_key is
  'The business key; also the QStash deduplication id, so a re-publish after a crash is one message.';
comment on column private.job_outbox.locked_until is
  'A relay holds the row until then; a relay that died mid-publish leaves it to the next one after this instant.';
comment on column private.job_outbox.last_error is 'An error code of the last failed publish (never payload data).';

create index job_outbox_pending_idx on private.job_outbox (available_at) where published_at is null;
create index job_outbox_user_id_idx on private.job_outbox (user_id);

create table private.job_failures (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  job text not null,
  message_id text not null,
  business_key text,
  code text not null,
  message text not null,
  retried integer not null default 0,
  payload jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint job_failures_job_message_id_key unique (job, message_id),
  constraint job_failures_job_check check (job ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  constraint job_failures_message_id_check check (char_length(message_id) between 1 and 200),
  constraint job_failures_code_check check (
    code in ('validation', 'not_found', 'forbidden', 'conflict', 'rate_limited', 'unavailable', 'internal')
  ),
  constraint job_failures_message_check check (char_length(message) <= 500),
  constraint job_failures_retried_check check (retried >= 0)
);

comment on table private.job_failures is
  'Deliveries that failed for good: non-retryable, or retryable on the last QStash attempt. One row per message.';

create index job_failures_user_id_idx on private.job_failures (user_id);

create trigger job_outbox_set_updated_at
  before update on private.job_outbox
  for each row execute function private.set_updated_at();
create trigger job_failures_set_updated_at
  before update on private.job_failures
  for each row execute function private.set_updated_at();

alter table private.job_outbox enable row level security;
alter table private.job_failures enable row level security;

revoke all on private.job_outbox, private.job_failures from public, anon, authenticated;
grant select, insert, update, delete on private.job_outbox, private.job_failures to service_role;

-- Puts memory-sync jobs for messages of one chat session into the outbox, inside the caller's
-- transaction (typically the one that appended the messages). The payload is built here from
-- chat_messages, so a user can only ever enqueue their own messages of their own session, and
-- a job never carries text the database does not hold. Messages are taken in `seq` order and cut
-- into jobs of at most 50 messages and about p_max_bytes of JSON; content is cut to the first 8192
-- characters (the memory content limit); only user and assistant messages are taken. The dedup key of a job is derived from its message ids,
-- so enqueueing the same messages again adds nothing. Returns the outbox ids of the jobs.
create or replace function private.enqueue_memory_sync(
  p_session_id uuid,
  p_message_ids uuid[],
  p_max_bytes integer default 524288
) returns setof uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_owner uuid;
  v_message record;
  v_item jsonb;
  v_item_bytes integer;
  v_batch jsonb := '[]'::jsonb;
  v_ids text[] := '{}';
  v_bytes integer := 0;
  v_id uuid;
begin
  if p_session_id is null or p_message_ids is null then
    raise exception 'session id and message ids are required' using errcode = '22023';
  end if;
  if pg_catalog.cardinality(p_message_ids) > 10000 then
    raise exception 'at most 10000 messages per call' using errcode = '22023';
  end if;
  if p_max_bytes is null or p_max_bytes < 65536 then
    raise exception 'p_max_bytes must be at least 65536' using errcode = '22023';
  end if;

  select s.user_id into v_owner from public.chat_sessions s where s.id = p_session_id;
  if v_owner is null then
    raise exception 'chat session not found' using errcode = '23503';
  end if;
  if coalesce(auth.role(), '') <> 'service_role' and v_owner is distinct from auth.uid() then
    raise exception 'not the owner of the chat session' using errcode = '42501';
  end if;

  for v_message in
    select m.id, m.role, m.content, m.created_at
      from public.chat_messages m
     where m.session_id = p_session_id and m.id = any (p_message_ids) and m.role in ('user', 'assistant')
     order by m.seq
  loop
    v_item := pg_catalog.jsonb_build_object(
      'id', v_message.id,
      'role', v_message.role,
      'content', pg_catalog.left(v_message.content, 8192),
      'createdAt', pg_catalog.to_char(v_message.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    );
    v_item_bytes := pg_catalog.octet_length(v_item::text) + 2;
    if pg_catalog.jsonb_array_length(v_batch) > 0
       and (pg_catalog.jsonb_array_length(v_batch) >= 50 or v_bytes + v_item_bytes > p_max_bytes - 256) then
      v_id := private.put_memory_sync_job(v_owner, p_session_id, v_batch, v_ids);
      return next v_id;
      v_batch := '[]'::jsonb;
      v_ids := '{}';
      v_bytes := 0;
    end if;
    v_batch := v_batch || pg_catalog.jsonb_build_array(v_item);
    v_ids := v_ids || v_message.id::text;
    v_bytes := v_bytes + v_item_bytes;
  end loop;

  if pg_catalog.jsonb_array_length(v_batch) > 0 then
    v_id := private.put_memory_sync_job(v_owner, p_session_id, v_batch, v_ids);
    return next v_id;
  end if;
  return;
end;
$$;

-- One memory-sync outbox row; an existing row with the same dedup key wins (its id is returned).
-- The key is `memory-sync:{session}:{sha256 hex of the sorted, comma-joined message ids}`, the
-- same key `memorySyncBusinessKey()` computes in TypeScript.
create or replace function private.put_memory_sync_job(
  p_user_id uuid,
  p_session_id uuid,
  p_messages jsonb,
  p_message_ids text[]
) returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_key text;
  v_id uuid;
begin
  select 'memory-sync:' || p_session_id::text || ':'
         || pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
              pg_catalog.array_to_string(array(select x from pg_catalog.unnest(p_message_ids) x order by x collate "C"), ','),
              'UTF8')), 'hex')
    into v_key;
  insert into private.job_outbox (user_id, job, dedup_key, payload)
  values (
    p_user_id, 'memory-sync', v_key,
    pg_catalog.jsonb_build_object('userId', p_user_id, 'sessionId', p_session_id, 'messages', p_messages)
  )
  on conflict (dedup_key) do nothing
  returning id into v_id;
  if v_id is null then
    select o.id into v_id from private.job_outbox o where o.dedup_key = v_key;
  end if;
  return v_id;
end;
$$;

revoke execute on function private.enqueue_memory_sync(uuid, uuid[], integer) from public, anon;
revoke execute on function private.put_memory_sync_job(uuid, uuid, jsonb, text[]) from public, anon, authenticated;
grant execute on function private.enqueue_memory_sync(uuid, uuid[], integer) to authenticated, service_role;

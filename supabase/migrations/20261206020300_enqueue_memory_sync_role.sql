-- Jobs (security review, findings 7 and 8).
--
-- 7. private.enqueue_memory_sync no longer trusts the JWT `role` claim, which any session can
--    write. The service path is decided by the role the session runs as (the `role` setting,
--    which Postgres lets a session set only to a role it may become); everyone else must own the
--    chat session.
-- 8. Memory-sync jobs carry message ids, not text: the handler loads each message from
--    chat_messages as the user and syncs what the database holds. Jobs hold at most 50 ids, so
--    the byte budget of the text payloads is gone with them.

drop function private.enqueue_memory_sync(uuid, uuid[], integer);
drop function private.put_memory_sync_job(uuid, uuid, jsonb, text[]);

-- Puts memory-sync jobs for messages of one chat session into the outbox, inside the caller's
-- transaction (typically the one that appended the messages). Only ids of user and assistant
-- messages of that session are taken, in `seq` order, in jobs of at most 50. The dedup key of a
-- job is derived from its message ids, so enqueueing the same messages again adds nothing.
-- Returns the outbox ids of the jobs.
create function private.enqueue_memory_sync(p_session_id uuid, p_message_ids uuid[]) returns setof uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_owner uuid;
  v_batch uuid[];
  -- Inside a SECURITY DEFINER function current_user is the owner; the `role` setting still names
  -- the role the caller runs as (SET ROLE, or PostgREST's and the SDK's set_config('role', …)).
  v_is_service boolean := pg_catalog.current_setting('role', true) = 'service_role';
begin
  if p_session_id is null or p_message_ids is null then
    raise exception 'session id and message ids are required' using errcode = '22023';
  end if;
  if pg_catalog.cardinality(p_message_ids) > 10000 then
    raise exception 'at most 10000 messages per call' using errcode = '22023';
  end if;

  select s.user_id into v_owner from public.chat_sessions s where s.id = p_session_id;
  if v_owner is null then
    raise exception 'chat session not found' using errcode = '23503';
  end if;
  if not v_is_service and v_owner is distinct from auth.uid() then
    raise exception 'not the owner of the chat session' using errcode = '42501';
  end if;

  for v_batch in
    select pg_catalog.array_agg(b.id order by b.seq)
      from (
        select m.id, m.seq, (pg_catalog.row_number() over (order by m.seq) - 1) / 50 as batch
          from public.chat_messages m
         where m.session_id = p_session_id and m.id = any (p_message_ids) and m.role in ('user', 'assistant')
      ) b
     group by b.batch
     order by b.batch
  loop
    return next private.put_memory_sync_job(v_owner, p_session_id, v_batch);
  end loop;
  return;
end;
$$;

-- One memory-sync outbox row; an existing row with the same dedup key wins (its id is returned).
-- The key is `memory-sync:{session}:{sha256 hex of the sorted, comma-joined message ids}`, the
-- same key `memorySyncBusinessKey()` computes in TypeScript.
create function private.put_memory_sync_job(p_user_id uuid, p_session_id uuid, p_message_ids uuid[]) returns uuid
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
              pg_catalog.array_to_string(array(select x::text from pg_catalog.unnest(p_message_ids) x order by x::text collate "C"), ','),
              'UTF8')), 'hex')
    into v_key;
  insert into private.job_outbox (user_id, job, dedup_key, payload)
  values (
    p_user_id, 'memory-sync', v_key,
    pg_catalog.jsonb_build_object('userId', p_user_id, 'sessionId', p_session_id, 'messageIds', pg_catalog.to_jsonb(p_message_ids))
  )
  on conflict (dedup_key) do nothing
  returning id into v_id;
  if v_id is null then
    select o.id into v_id from private.job_outbox o where o.dedup_key = v_key;
  end if;
  return v_id;
end;
$$;

comment on function private.enqueue_memory_sync(uuid, uuid[]) is
  'Outbox memory-sync jobs (≤ 50 message ids each) for the caller''s own session, or any session for service_role.';

revoke execute on function private.enqueue_memory_sync(uuid, uuid[]) from public, anon;
revoke execute on function private.put_memory_sync_job(uuid, uuid, uuid[]) from public, anon, authenticated, service_role;
grant execute on function private.enqueue_memory_sync(uuid, uuid[]) to authenticated, service_role;

-- Jobs (security review, finding 7): private.enqueue_memory_sync no longer trusts the JWT `role`
-- claim, which any session can write. The service path is decided by the role the session runs
-- as (the `role` setting, which Postgres lets a session set only to a role it may become);
-- everyone else must own the chat session.

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
  if p_max_bytes is null or p_max_bytes < 65536 then
    raise exception 'p_max_bytes must be at least 65536' using errcode = '22023';
  end if;

  select s.user_id into v_owner from public.chat_sessions s where s.id = p_session_id;
  if v_owner is null then
    raise exception 'chat session not found' using errcode = '23503';
  end if;
  if not v_is_service and v_owner is distinct from auth.uid() then
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

revoke execute on function private.enqueue_memory_sync(uuid, uuid[], integer) from public, anon;
grant execute on function private.enqueue_memory_sync(uuid, uuid[], integer) to authenticated, service_role;

-- Realtime: chat and trip changes are broadcast from the database, and private channels
-- session:{id} and user:{id} join trip:{id} (20261124000700_realtime.sql).
--
-- Why triggers rather than SDK calls: every write path broadcasts — the SDK, supabase-js, SQL
-- run by a job — and a broadcast is an insert into realtime.messages inside the writing
-- transaction, so a rolled-back write never announces anything and a committed one always does.
--
-- Payloads are notifications, not data: ids, kinds, statuses and timestamps, never message
-- content, tool arguments or results. A subscriber refetches through the SDK (RLS decides what
-- it may read), stored realtime.messages rows hold nothing sensitive, and a member who sends a
-- forged event on a channel (members may broadcast, for presence and typing indicators) can at
-- most cause a refetch.
--
-- Topics and events (camelCase payload keys; the SDK's zod schemas in
-- packages/core/src/realtime/ mirror them):
--   session:{session_id}  message.created      { sessionId, id, role, seq, createdAt }
--                         toolCall.updated     { sessionId, id, toolName, status, updatedAt }
--                         session.ended        { sessionId, endedAt }
--   trip:{trip_id}        trip.updated         { tripId, updatedAt }
--                         trip.deleted         { tripId }
--                         tripItem.changed     { tripId, kind, id, op }
--                         collaborator.changed { tripId, userId, role, op }
--   user:{user_id}        collaborator.changed (the same event, to the collaborator concerned)
--
-- The trigger functions are SECURITY DEFINER so the broadcast does not depend on the writer's
-- realtime.messages policies (a viewer's write is never broadcast anyway: viewers cannot write).

-- ---------------------------------------------------------------------------------------------
-- chat: session:{id}
-- ---------------------------------------------------------------------------------------------

create or replace function private.broadcast_chat_message_created() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform realtime.send(
    pg_catalog.jsonb_build_object(
      'sessionId', new.session_id, 'id', new.id, 'role', new.role, 'seq', new.seq, 'createdAt', new.created_at
    ),
    'message.created',
    'session:' || new.session_id::text,
    true
  );
  return null;
end;
$$;

create or replace function private.broadcast_chat_tool_call_updated() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform realtime.send(
    pg_catalog.jsonb_build_object(
      'sessionId', new.session_id, 'id', new.id, 'toolName', new.tool_name, 'status', new.status,
      'updatedAt', new.updated_at
    ),
    'toolCall.updated',
    'session:' || new.session_id::text,
    true
  );
  return null;
end;
$$;

create or replace function private.broadcast_chat_session_ended() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform realtime.send(
    pg_catalog.jsonb_build_object('sessionId', new.id, 'endedAt', new.ended_at),
    'session.ended',
    'session:' || new.id::text,
    true
  );
  return null;
end;
$$;

create trigger chat_messages_broadcast
  after insert on public.chat_messages
  for each row execute function private.broadcast_chat_message_created();

create trigger chat_tool_calls_broadcast
  after insert or update on public.chat_tool_calls
  for each row execute function private.broadcast_chat_tool_call_updated();

create trigger chat_sessions_broadcast_ended
  after update of ended_at on public.chat_sessions
  for each row when (old.ended_at is null and new.ended_at is not null)
  execute function private.broadcast_chat_session_ended();

-- ---------------------------------------------------------------------------------------------
-- trips: trip:{id} (and user:{id} for collaborator changes)
-- ---------------------------------------------------------------------------------------------

create or replace function private.broadcast_trip_changed() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform realtime.send(
      pg_catalog.jsonb_build_object('tripId', old.id), 'trip.deleted', 'trip:' || old.id::text, true
    );
  else
    perform realtime.send(
      pg_catalog.jsonb_build_object('tripId', new.id, 'updatedAt', new.updated_at),
      'trip.updated',
      'trip:' || new.id::text,
      true
    );
  end if;
  return null;
end;
$$;

-- One function for the four item tables; tg_table_name says which kind of item changed.
create or replace function private.broadcast_trip_item_changed() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_kind text := case tg_table_name
    when 'flights' then 'flight'
    when 'accommodations' then 'accommodation'
    when 'transportation' then 'transportation'
    else 'itinerary_item'
  end;
begin
  if tg_op in ('UPDATE', 'DELETE')
    and (tg_op = 'DELETE' or old.trip_id is distinct from new.trip_id)
    -- A cascade from a deleted trip: trip.deleted already says it all.
    and exists (select 1 from public.trips t where t.id = old.trip_id)
  then
    perform realtime.send(
      pg_catalog.jsonb_build_object('tripId', old.trip_id, 'kind', v_kind, 'id', old.id, 'op', 'deleted'),
      'tripItem.changed',
      'trip:' || old.trip_id::text,
      true
    );
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    perform realtime.send(
      pg_catalog.jsonb_build_object(
        'tripId', new.trip_id, 'kind', v_kind, 'id', new.id,
        'op', case when tg_op = 'INSERT' or old.trip_id is distinct from new.trip_id then 'created' else 'updated' end
      ),
      'tripItem.changed',
      'trip:' || new.trip_id::text,
      true
    );
  end if;
  return null;
end;
$$;

create or replace function private.broadcast_trip_collaborator_changed() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_row public.trip_collaborators := case when tg_op = 'DELETE' then old else new end;
  v_payload jsonb := pg_catalog.jsonb_build_object(
    'tripId', v_row.trip_id,
    'userId', v_row.user_id,
    'role', case when tg_op = 'DELETE' then null else v_row.role end,
    'op', case tg_op when 'INSERT' then 'added' when 'UPDATE' then 'updated' else 'removed' end
  );
begin
  -- The collaborator hears about it on their own topic even when the whole trip is deleted.
  perform realtime.send(v_payload, 'collaborator.changed', 'user:' || v_row.user_id::text, true);
  if exists (select 1 from public.trips t where t.id = v_row.trip_id) then
    perform realtime.send(v_payload, 'collaborator.changed', 'trip:' || v_row.trip_id::text, true);
  end if;
  return null;
end;
$$;

create trigger trips_broadcast
  after update or delete on public.trips
  for each row execute function private.broadcast_trip_changed();

create trigger flights_broadcast
  after insert or update or delete on public.flights
  for each row execute function private.broadcast_trip_item_changed();
create trigger accommodations_broadcast
  after insert or update or delete on public.accommodations
  for each row execute function private.broadcast_trip_item_changed();
create trigger transportation_broadcast
  after insert or update or delete on public.transportation
  for each row execute function private.broadcast_trip_item_changed();
create trigger itinerary_items_broadcast
  after insert or update or delete on public.itinerary_items
  for each row execute function private.broadcast_trip_item_changed();

create trigger trip_collaborators_broadcast
  after insert or update or delete on public.trip_collaborators
  for each row execute function private.broadcast_trip_collaborator_changed();

comment on function private.broadcast_chat_message_created() is 'Trigger: message.created on session:{session_id}.';
comment on function private.broadcast_chat_tool_call_updated() is 'Trigger: toolCall.updated on session:{session_id}.';
comment on function private.broadcast_chat_session_ended() is 'Trigger: session.ended on session:{id}.';
comment on function private.broadcast_trip_changed() is 'Trigger: trip.updated / trip.deleted on trip:{id}.';
comment on function private.broadcast_trip_item_changed() is 'Trigger: tripItem.changed on trip:{trip_id}.';
comment on function private.broadcast_trip_collaborator_changed() is
  'Trigger: collaborator.changed on trip:{trip_id} and user:{user_id}.';

revoke execute on function
  private.broadcast_chat_message_created(),
  private.broadcast_chat_tool_call_updated(),
  private.broadcast_chat_session_ended(),
  private.broadcast_trip_changed(),
  private.broadcast_trip_item_changed(),
  private.broadcast_trip_collaborator_changed()
  from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------------
-- realtime.messages: who may join which private channel
-- ---------------------------------------------------------------------------------------------
-- SELECT = receive broadcasts and presence; INSERT = send broadcasts and track presence.
-- session:{id}: everyone who can read the session (its owner and the linked trip's members), so
-- collaborators can follow a trip's planning chat and show presence in it.
-- user:{id}: only that user (their own devices).

create policy messages_select_session_member on realtime.messages
  for select to authenticated
  using (
    extension in ('broadcast', 'presence')
    and (
      select case
        when realtime.topic() ~ '^session:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          then private.can_read_chat_session(substr(realtime.topic(), 9)::uuid)
        else false
      end
    )
  );

create policy messages_insert_session_member on realtime.messages
  for insert to authenticated
  with check (
    extension in ('broadcast', 'presence')
    and (
      select case
        when realtime.topic() ~ '^session:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          then private.can_read_chat_session(substr(realtime.topic(), 9)::uuid)
        else false
      end
    )
  );

create policy messages_select_user_self on realtime.messages
  for select to authenticated
  using (
    extension in ('broadcast', 'presence')
    and (select realtime.topic() = 'user:' || (select auth.uid())::text)
  );

create policy messages_insert_user_self on realtime.messages
  for insert to authenticated
  with check (
    extension in ('broadcast', 'presence')
    and (select realtime.topic() = 'user:' || (select auth.uid())::text)
  );

-- Realtime authorization: a private channel named trip:{trip_id} is open (receive via SELECT,
-- send broadcast/presence via INSERT) to everyone with access to that trip. Realtime evaluates
-- these policies on realtime.messages with realtime.topic() set to the channel's topic, so the
-- whole check is a per-query initPlan.

create policy messages_select_trip_member on realtime.messages
  for select to authenticated
  using (
    extension in ('broadcast', 'presence')
    and (
      select case
        when realtime.topic() ~ '^trip:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          then private.has_trip_access(substr(realtime.topic(), 6)::uuid)
        else false
      end
    )
  );

create policy messages_insert_trip_member on realtime.messages
  for insert to authenticated
  with check (
    extension in ('broadcast', 'presence')
    and (
      select case
        when realtime.topic() ~ '^trip:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          then private.has_trip_access(substr(realtime.topic(), 6)::uuid)
        else false
      end
    )
  );

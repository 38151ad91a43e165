-- Realtime (security review, finding 5): every realtime.messages policy also requires the ROW's
-- topic to be the topic being authorized. Supabase Realtime authorizes a join by reading and
-- writing rows of exactly that topic with realtime.topic() set to it, so joins are authorized as
-- before; but a session that sets `realtime.topic` to a channel it may join no longer reads or
-- writes rows of other topics through it.

alter policy messages_select_trip_member on realtime.messages
  using (
    extension in ('broadcast', 'presence')
    and topic = (select realtime.topic())
    and (
      select case
        when realtime.topic() ~ '^trip:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          then private.has_trip_access(substr(realtime.topic(), 6)::uuid)
        else false
      end
    )
  );

alter policy messages_insert_trip_member on realtime.messages
  with check (
    extension in ('broadcast', 'presence')
    and topic = (select realtime.topic())
    and (
      select case
        when realtime.topic() ~ '^trip:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          then private.has_trip_access(substr(realtime.topic(), 6)::uuid)
        else false
      end
    )
  );

alter policy messages_select_session_member on realtime.messages
  using (
    extension in ('broadcast', 'presence')
    and topic = (select realtime.topic())
    and (
      select case
        when realtime.topic() ~ '^session:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          then private.can_read_chat_session(substr(realtime.topic(), 9)::uuid)
        else false
      end
    )
  );

alter policy messages_insert_session_member on realtime.messages
  with check (
    extension in ('broadcast', 'presence')
    and topic = (select realtime.topic())
    and (
      select case
        when realtime.topic() ~ '^session:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          then private.can_read_chat_session(substr(realtime.topic(), 9)::uuid)
        else false
      end
    )
  );

alter policy messages_select_user_self on realtime.messages
  using (
    extension in ('broadcast', 'presence')
    and topic = (select realtime.topic())
    and (select realtime.topic() = 'user:' || (select auth.uid())::text)
  );

alter policy messages_insert_user_self on realtime.messages
  with check (
    extension in ('broadcast', 'presence')
    and topic = (select realtime.topic())
    and (select realtime.topic() = 'user:' || (select auth.uid())::text)
  );

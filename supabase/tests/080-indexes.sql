-- Indexes behind the policies (splinter 0001 / Supabase RLS performance): every RLS policy column
-- and every foreign key leads an index, and the recall indexes have the documented type.
begin;
select plan(38);

-- ---------------------------------------------------------------------------------------------
-- catalog-wide: every foreign key in public is covered by an index on its leading column(s)
-- ---------------------------------------------------------------------------------------------
select is_empty($$
  select c.conrelid::regclass::text || ' ' || c.conname
    from pg_catalog.pg_constraint c
    join pg_catalog.pg_namespace n on n.oid = c.connamespace
   where n.nspname = 'public' and c.contype = 'f'
     and not exists (
       select 1 from pg_catalog.pg_index i
        where i.indrelid = c.conrelid
          and (i.indkey::int2[])[0] = c.conkey[1]
     )$$,
  'every foreign key in public has an index led by its first column');
select is_empty($$
  select c.relname::text
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attname = 'user_id' and not a.attisdropped
   where n.nspname = 'public' and c.relkind = 'r'
     and not exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid and (i.indkey::int2[])[0] = a.attnum)$$,
  'every user_id column (the owner-policy column) leads an index');

-- ---------------------------------------------------------------------------------------------
-- named indexes
-- ---------------------------------------------------------------------------------------------
select has_index('public', 'trips', 'trips_user_id_idx', array['user_id']::name[], 'trips: trips_user_id_idx on (user_id)');
select has_index('public', 'trip_collaborators', 'trip_collaborators_trip_id_user_id_key', array['trip_id', 'user_id']::name[], 'trip_collaborators: trip_collaborators_trip_id_user_id_key on (trip_id, user_id)');
select has_index('public', 'trip_collaborators', 'trip_collaborators_user_id_idx', array['user_id']::name[], 'trip_collaborators: trip_collaborators_user_id_idx on (user_id)');
select has_index('public', 'trip_collaborators', 'trip_collaborators_invited_by_idx', array['invited_by']::name[], 'trip_collaborators: trip_collaborators_invited_by_idx on (invited_by)');
select has_index('public', 'flights', 'flights_trip_id_idx', array['trip_id']::name[], 'flights: flights_trip_id_idx on (trip_id)');
select has_index('public', 'flights', 'flights_id_trip_id_key', array['id', 'trip_id']::name[], 'flights: flights_id_trip_id_key on (id, trip_id)');
select has_index('public', 'accommodations', 'accommodations_trip_id_idx', array['trip_id']::name[], 'accommodations: accommodations_trip_id_idx on (trip_id)');
select has_index('public', 'accommodations', 'accommodations_id_trip_id_key', array['id', 'trip_id']::name[], 'accommodations: accommodations_id_trip_id_key on (id, trip_id)');
select has_index('public', 'transportation', 'transportation_trip_id_idx', array['trip_id']::name[], 'transportation: transportation_trip_id_idx on (trip_id)');
select has_index('public', 'itinerary_items', 'itinerary_items_trip_id_day_position_idx', array['trip_id', 'day', '"position"']::name[], 'itinerary_items: itinerary_items_trip_id_day_position_idx on (trip_id, day, "position")');
select has_index('public', 'itinerary_items', 'itinerary_items_flight_id_idx', array['flight_id']::name[], 'itinerary_items: itinerary_items_flight_id_idx on (flight_id)');
select has_index('public', 'itinerary_items', 'itinerary_items_accommodation_id_idx', array['accommodation_id']::name[], 'itinerary_items: itinerary_items_accommodation_id_idx on (accommodation_id)');
select has_index('public', 'chat_sessions', 'chat_sessions_user_id_created_at_id_idx', array['user_id', 'created_at', 'id']::name[], 'chat_sessions: chat_sessions_user_id_created_at_id_idx on (user_id, created_at, id)');
select has_index('public', 'chat_sessions', 'chat_sessions_trip_id_created_at_id_idx', array['trip_id', 'created_at', 'id']::name[], 'chat_sessions: chat_sessions_trip_id_created_at_id_idx on (trip_id, created_at, id)');
select has_index('public', 'chat_messages', 'chat_messages_session_id_seq_idx', array['session_id', 'seq']::name[], 'chat_messages: chat_messages_session_id_seq_idx on (session_id, seq)');
select has_index('public', 'chat_messages', 'chat_messages_user_id_idx', array['user_id']::name[], 'chat_messages: chat_messages_user_id_idx on (user_id)');
select has_index('public', 'chat_tool_calls', 'chat_tool_calls_session_id_tool_call_id_idx', array['session_id', 'tool_call_id']::name[], 'chat_tool_calls: chat_tool_calls_session_id_tool_call_id_idx on (session_id, tool_call_id)');
select has_index('public', 'chat_tool_calls', 'chat_tool_calls_message_id_session_id_idx', array['message_id', 'session_id']::name[], 'chat_tool_calls: chat_tool_calls_message_id_session_id_idx on (message_id, session_id)');
select has_index('public', 'chat_tool_calls', 'chat_tool_calls_user_id_idx', array['user_id']::name[], 'chat_tool_calls: chat_tool_calls_user_id_idx on (user_id)');
select has_index('public', 'memories', 'memories_user_id_content_hash_key', array['user_id', 'content_hash']::name[], 'memories: memories_user_id_content_hash_key on (user_id, content_hash)');
select has_index('public', 'session_memories', 'session_memories_session_id_content_hash_key', array['session_id', 'content_hash']::name[], 'session_memories: session_memories_session_id_content_hash_key on (session_id, content_hash)');
select has_index('public', 'session_memories', 'session_memories_user_id_source_message_id_key', array['user_id', 'source_message_id']::name[], 'session_memories: session_memories_user_id_source_message_id_key on (user_id, source_message_id)');
select has_index('public', 'api_keys', 'api_keys_user_id_service_key', array['user_id', 'service']::name[], 'api_keys: api_keys_user_id_service_key on (user_id, service)');
select has_index('public', 'file_attachments', 'file_attachments_user_id_created_at_id_idx', array['user_id', 'created_at', 'id']::name[], 'file_attachments: file_attachments_user_id_created_at_id_idx on (user_id, created_at, id)');
select has_index('public', 'file_attachments', 'file_attachments_trip_id_created_at_id_idx', array['trip_id', 'created_at', 'id']::name[], 'file_attachments: file_attachments_trip_id_created_at_id_idx on (trip_id, created_at, id)');
select has_index('public', 'file_attachments', 'file_attachments_chat_message_id_idx', array['chat_message_id']::name[], 'file_attachments: file_attachments_chat_message_id_idx on (chat_message_id)');
select has_index('public', 'search_destinations', 'search_destinations_user_id_query_hash_key', array['user_id', 'query_hash']::name[], 'search_destinations: search_destinations_user_id_query_hash_key on (user_id, query_hash)');
select has_index('public', 'search_flights', 'search_flights_user_id_query_hash_key', array['user_id', 'query_hash']::name[], 'search_flights: search_flights_user_id_query_hash_key on (user_id, query_hash)');
select has_index('public', 'search_hotels', 'search_hotels_user_id_query_hash_key', array['user_id', 'query_hash']::name[], 'search_hotels: search_hotels_user_id_query_hash_key on (user_id, query_hash)');
select has_index('public', 'search_activities', 'search_activities_user_id_query_hash_key', array['user_id', 'query_hash']::name[], 'search_activities: search_activities_user_id_query_hash_key on (user_id, query_hash)');

-- Keyset lists read a page in index order (migration 20261206110000, decision 0020): the order's
-- directions, and the purge job's partial index.
select is(
  (select array_agg(indexname::text order by indexname) from pg_catalog.pg_indexes
    where schemaname = 'public'
      and indexname in ('chat_sessions_user_id_created_at_id_idx', 'chat_sessions_trip_id_created_at_id_idx',
                        'file_attachments_user_id_created_at_id_idx', 'file_attachments_trip_id_created_at_id_idx')
      and indexdef ilike '%using btree (%_id, created_at desc, id desc)'),
  array['chat_sessions_trip_id_created_at_id_idx', 'chat_sessions_user_id_created_at_id_idx',
        'file_attachments_trip_id_created_at_id_idx', 'file_attachments_user_id_created_at_id_idx'],
  'chat_sessions and file_attachments: the owner and trip list indexes are in (created_at desc, id desc) order');
select is(
  (select indexdef from pg_catalog.pg_indexes
    where schemaname = 'public' and indexname = 'file_attachments_stale_uploads_idx'),
  'CREATE INDEX file_attachments_stale_uploads_idx ON public.file_attachments USING btree (created_at) WHERE (upload_status = ANY (ARRAY[''uploading''::text, ''failed''::text]))',
  'file_attachments: file_attachments_stale_uploads_idx holds only rows still uploading or failed');

select index_is_type('public', 'memories', 'memories_embedding_idx', 'hnsw', 'memories: memories_embedding_idx is HNSW');
select index_is_type('public', 'session_memories', 'session_memories_embedding_idx', 'hnsw', 'session_memories: session_memories_embedding_idx is HNSW');
select index_is_type('public', 'memories', 'memories_content_tsv_idx', 'gin', 'memories: memories_content_tsv_idx is GIN');
select index_is_type('public', 'session_memories', 'session_memories_content_tsv_idx', 'gin', 'session_memories: session_memories_content_tsv_idx is GIN');

select * from finish();
rollback;

-- Memory listing (decision 0019): B-tree indexes in memory.list's keyset order, so a page reads
-- its rows instead of sorting all of a user's (or a session's) memories. list() orders by
-- (created_at desc, id desc) and continues after a (created_at, id) cursor; ownership comes from
-- RLS (user_id = (select auth.uid())) and a session's list also filters session_id. At 100 000
-- memories of one user the first page of 20 sorted every row: 123 ms p50 with the vectors in TOAST
-- (native PostgreSQL 15; 527 ms while they were inline); with these indexes 2.3 ms, and 2.4 ms for
-- the second page.
create index memories_user_id_created_at_id_idx
  on public.memories (user_id, created_at desc, id desc);
create index session_memories_session_id_created_at_id_idx
  on public.session_memories (session_id, created_at desc, id desc);

-- Memory ingest, third round (decision 0018, issue 15; bench/peers.ts, bench/ingest.ts,
-- bench/vector.ts): embeddings stored in the heap row, and the history of inserted memories
-- recorded once per statement.
--
-- 1. Inline vectors. pgvector declares `vector` with STORAGE external, and a table's default
--    toast_tuple_target is ~2 kB, so every 1536-dim embedding (6 152 bytes) went to the TOAST
--    table: per row four TOAST chunk inserts, their TOAST index inserts and their WAL on write,
--    and a TOAST index probe plus four chunk reads per vector on every read (the exact search
--    path for a small user reads each candidate's vector; the HNSW path re-sorts by it).
--    STORAGE main keeps the vector in the row, uncompressed unless the row cannot fit otherwise,
--    and toast_tuple_target 8160 (a whole page) lets the toaster leave a row alone while it fits
--    in a page: a memory with short content (~6.6 kB) stays in one heap tuple. A long content,
--    metadata or tsvector is still compressed and moved out first (they stay `extended`); the
--    vector only moves out as the last resort, so no row that stored before fails now (`plain`
--    would refuse such a row with "row is too big").
--    Only rows written from now on are stored inline (no rewrite, no lock beyond the ALTER);
--    existing rows keep their TOAST pointers and read as before. Every query, index and plan is
--    unchanged.
alter table public.memories alter column embedding set storage main;
alter table public.memories set (toast_tuple_target = 8160);
alter table public.session_memories alter column embedding set storage main;
alter table public.session_memories set (toast_tuple_target = 8160);

-- 2. The history of inserts, once per statement. The row trigger ran its PL/pgSQL body (parse the
--    change description, one INSERT into memory_events) for each inserted row: ~0.5 ms a row in
--    PGlite, as much as the row's own insert without the index. An AFTER INSERT ... FOR EACH
--    STATEMENT trigger reads the statement's inserted rows from a transition table and appends
--    their `add` (or `restore`) events in one INSERT ... SELECT, in the rows' insertion order, each
--    stamped with clock_timestamp() and numbered by seq as before. Same events, same columns, same
--    decider and sources (the change description is transaction-local, so one statement sees one
--    description); a malformed description still fails the write; a statement that inserts no row
--    (all conflicts) records nothing and does not read the description, as before. Updates and
--    deletes keep the row trigger, unchanged (a trigger with transition tables takes one event,
--    and ingest is inserts).
create or replace function private.record_memory_insert_events() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  change jsonb;
  decider text;
  sources uuid[];
begin
  if not exists (select 1 from inserted_memories) then
    return null;
  end if;
  change := nullif(pg_catalog.current_setting('tripsage.memory_change', true), '')::jsonb;
  decider := coalesce(
    nullif(change ->> 'decider', ''),
    case when auth.role() = 'authenticated' then 'user' else 'service' end
  );
  sources := coalesce(
    (select pg_catalog.array_agg(s::uuid) from pg_catalog.jsonb_array_elements_text(change -> 'sourceMessageIds') s),
    '{}'
  );
  insert into public.memory_events (user_id, memory_id, operation, old_content, new_content, memory_type,
    importance, metadata, expires_at, source_message_ids, decider, reason, created_at)
  select n.user_id, n.id, case when change ->> 'operation' = 'restore' then 'restore' else 'add' end, null, n.content,
    n.memory_type, n.importance, n.metadata, n.expires_at, sources, decider, change ->> 'reason',
    pg_catalog.clock_timestamp()
  from inserted_memories n;
  return null;
end;
$$;

comment on function private.record_memory_insert_events() is
  'AFTER INSERT ... FOR EACH STATEMENT trigger of public.memories: appends one add (or restore) event per inserted row to public.memory_events, described by the transaction-local setting tripsage.memory_change.';
revoke execute on function private.record_memory_insert_events() from public, anon, authenticated;

drop trigger memories_record_event on public.memories;
create trigger memories_record_event
  after update or delete on public.memories
  for each row execute function private.record_memory_event();
create trigger memories_record_insert_events
  after insert on public.memories
  referencing new table as inserted_memories
  for each statement execute function private.record_memory_insert_events();

comment on function private.record_memory_event() is
  'AFTER UPDATE/DELETE row trigger of public.memories: appends the change to public.memory_events, described by the transaction-local setting tripsage.memory_change (inserts: private.record_memory_insert_events).';

-- Memory storage (decision 0019, issue 15; bench/vector.ts, bench/peers.ts): memories.embedding and
-- session_memories.embedding go back to pgvector's default STORAGE external, and both tables back
-- to the default toast_tuple_target, undoing the storage half of migration 20261206070000
-- (decision 0018). The per-statement insert history of that migration stays.
--
-- With the 6 kB vector in the heap row a page holds one memory, so every read that touches rows
-- without needing their vectors reads a page per row: at 100 000 memories of one user (native
-- PostgreSQL 15, realistic synthetic set) hybridSearch's full-text arm took 453 ms p50 against
-- 50 ms with the vectors in TOAST (heap 781 MB against 37 MB), and memory.list's first page
-- 527 ms against 123 ms, while HNSW search was the same (4.5 against 4.9 ms). What inline storage
-- bought was 0.7-6.6 % of addMany and 9-14 % of an exact-path search, which reads the vectors
-- anyway.
--
-- Rows written while the vector was inline keep it in their heap tuple (they read correctly) until
-- they are updated; new rows are toasted. ALTER ... SET STORAGE and RESET only change the catalog:
-- no rewrite, every index, query and plan unchanged.
alter table public.memories alter column embedding set storage external;
alter table public.memories reset (toast_tuple_target);
alter table public.session_memories alter column embedding set storage external;
alter table public.session_memories reset (toast_tuple_target);

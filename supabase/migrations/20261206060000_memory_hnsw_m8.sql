-- Memory ingest, second round (decision 0009, issue 15; bench/ingest.ts, bench/hnsw-recall.ts,
-- bench/peers.ts): the HNSW indexes on memories.embedding and session_memories.embedding are
-- rebuilt with m = 8 (was 16), ef_construction = 100 (unchanged).
--
-- Inserting a row into an HNSW graph searches it (ef_construction candidates, each expanding its
-- 2m layer-0 neighbours), then rewires up to 2m neighbours, each re-selecting its own 2m
-- neighbours: the cost grows faster than linearly with m. On PostgreSQL 15 + pgvector 0.8.0, with
-- the index maintained during the load, m 8 inserts 2.5x as fast as m 16 (both at
-- ef_construction 100) and 1.6x as fast as pgvector's default (m 16, ef_construction 64, mem0's
-- index). Recall@10 at the SDK's ef_search (100) stays 1.0 on the peer corpus and on 10 000
-- clustered synthetic vectors of one user (200 queries), where m 16 at ef_construction 64 recalled
-- 0.989 and m 8 at 64 0.982.
--
-- pgvector reads ef_construction from the index options on every insert, but m from the graph's
-- metapage, written when the index is built: hence ALTER ... SET and then REINDEX. The index keeps
-- its name, every query and plan is unchanged (the operator class is the same), no row changes.
-- REINDEX blocks writes to the table while it runs (seconds for 10 000 rows; on a table of
-- millions, build `create index concurrently ... with (m = 8, ef_construction = 100)` by hand
-- first, drop the old index, and rename).
alter index public.memories_embedding_idx set (m = 8, ef_construction = 100);
reindex index public.memories_embedding_idx;
alter index public.session_memories_embedding_idx set (m = 8, ef_construction = 100);
reindex index public.session_memories_embedding_idx;

-- Memory ingest, fourth round (decision 0019, issue 15; bench/peers.ts, bench/vector.ts,
-- bench/hnsw-recall.ts): the HNSW indexes on memories.embedding and session_memories.embedding
-- link new entries with ef_construction = 80 (was 100); m stays 8.
--
-- Linking a row into the graph is most of memory.addMany, and the link searches the graph keeping
-- ef_construction candidates: on PGlite the peer bench's addMany (5 000 memories, index maintained)
-- loads 1.11x as fast at 80 as at 100. 64 (pgvector's default) would be 1.22x, but on the hard
-- clustered set of packages/core/src/memory/recall.test.ts it recalled 0.93-1.0 at the SDK's
-- efSearch (100) and once found 7 of a small user's true top 10, where 80 recalled 0.94-1.0 and
-- 9-10 and 100 0.9875-1.0. Recall@10 at 80 stays 1.0 on the peer corpus and the realistic synthetic
-- set; decision 0019 has the tables.
--
-- pgvector reads ef_construction from the index options on every insert (m comes from the graph's
-- metapage), so no REINDEX: entries already in the graph keep the links they were built with, new
-- ones are linked at 80, and a later REINDEX or `create index` from pg_get_indexdef builds at 80.
-- No row, name, operator class, query or plan changes. pgvector registers the option with an
-- ACCESS EXCLUSIVE lock: the ALTER waits for running statements on the table and holds the lock
-- only for a catalog update (nothing is rewritten).
alter index public.memories_embedding_idx set (ef_construction = 80);
alter index public.session_memories_embedding_idx set (ef_construction = 80);

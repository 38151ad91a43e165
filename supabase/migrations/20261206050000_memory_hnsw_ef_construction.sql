-- Memory ingest (decision 0009, bench/ingest.ts): the HNSW indexes on memories.embedding and
-- session_memories.embedding build with ef_construction = 64 (pgvector's default) instead of 200.
-- Inserting into an HNSW index searches the graph with ef_construction candidates, so the insert
-- cost falls roughly in proportion, while recall@10 at the SDK's ef_search (100) stays >= 0.98 on
-- the benchmark corpus. m stays 16.
--
-- ALTER INDEX ... SET changes the option that pgvector reads on every insert: rows written from
-- now on are linked with 64 candidates; the existing graph is kept as built (no rebuild, no
-- downtime, every query unchanged). REINDEX INDEX CONCURRENTLY rebuilds it at 64 if wanted.
alter index public.memories_embedding_idx set (ef_construction = 64);
alter index public.session_memories_embedding_idx set (ef_construction = 64);

-- Memory ingest (decision 0009, bench/ingest.ts, bench/hnsw-recall.ts): the HNSW indexes on
-- memories.embedding and session_memories.embedding link new rows with ef_construction = 100
-- instead of 200. Inserting into an HNSW index searches the graph with ef_construction candidates,
-- so the insert cost falls with it (2.7x the rate on PostgreSQL 15), while recall@10 at the SDK's
-- ef_search (100) stays 1.0 on 10 000 clustered vectors of one user. pgvector's default, 64, is
-- faster still but recalled 0.944 there. m stays 16.
--
-- ALTER INDEX ... SET changes the option that pgvector reads on every insert: rows written from
-- now on are linked with 100 candidates; the existing graph is kept as built (no rebuild, no
-- downtime, every query unchanged). REINDEX INDEX CONCURRENTLY rebuilds it at 100 if wanted.
alter index public.memories_embedding_idx set (ef_construction = 100);
alter index public.session_memories_embedding_idx set (ef_construction = 100);

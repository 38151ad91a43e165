-- Memory: long-term memories and per-session memories, each with a 1536-dim embedding (HNSW,
-- cosine) and a stored tsvector (GIN) for hybrid recall.

create table public.memories (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  memory_type text not null default 'user_preference',
  content text not null,
  content_hash text not null,
  embedding extensions.vector(1536) not null,
  embedding_model text not null,
  metadata jsonb not null default '{}',
  importance real not null default 0.5,
  source_message_id uuid,
  expires_at timestamptz,
  content_tsv tsvector generated always as (to_tsvector('english'::regconfig, content)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint memories_user_id_content_hash_key unique (user_id, content_hash),
  constraint memories_memory_type_check check (
    memory_type in ('user_preference', 'trip_history', 'search_pattern', 'conversation_context', 'other')
  ),
  constraint memories_content_check check (char_length(content) between 1 and 8192),
  constraint memories_content_hash_check check (content_hash ~ '^[0-9a-f]{64}$'),
  constraint memories_embedding_model_check check (char_length(embedding_model) between 1 and 200),
  constraint memories_importance_check check (importance >= 0 and importance <= 1)
);

comment on table public.memories is 'Long-term memories of a user, recalled by vector and full-text search.';
comment on column public.memories.content_hash is
  'sha256 hex of the whitespace-normalised content; unique per user, so re-adding a memory dedups.';
comment on column public.memories.embedding_model is
  'The model that produced embedding; rows from another model must be re-embedded before comparing.';
comment on column public.memories.source_message_id is
  'The chat message the memory was extracted from, if any (not a foreign key: memories outlive chats).';
comment on column public.memories.expires_at is 'Recall ignores the row after this instant; null = never.';
comment on column public.memories.content_tsv is 'English full-text vector of content for hybrid recall.';

-- user_id is covered by the unique (user_id, content_hash) index.
create index memories_user_id_memory_type_idx on public.memories (user_id, memory_type);
create index memories_embedding_idx on public.memories
  using hnsw (embedding extensions.vector_cosine_ops) with (m = 16, ef_construction = 200);
create index memories_content_tsv_idx on public.memories using gin (content_tsv);
create index memories_metadata_idx on public.memories using gin (metadata jsonb_path_ops);
create index memories_expires_at_idx on public.memories (expires_at) where expires_at is not null;

create table public.session_memories (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.chat_sessions (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  content text not null,
  content_hash text not null,
  embedding extensions.vector(1536) not null,
  embedding_model text not null,
  metadata jsonb not null default '{}',
  importance real not null default 0.5,
  source_message_id uuid,
  expires_at timestamptz,
  content_tsv tsvector generated always as (to_tsvector('english'::regconfig, content)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint session_memories_session_id_content_hash_key unique (session_id, content_hash),
  constraint session_memories_user_id_source_message_id_key unique (user_id, source_message_id),
  constraint session_memories_content_check check (char_length(content) between 1 and 8192),
  constraint session_memories_content_hash_check check (content_hash ~ '^[0-9a-f]{64}$'),
  constraint session_memories_embedding_model_check check (char_length(embedding_model) between 1 and 200),
  constraint session_memories_importance_check check (importance >= 0 and importance <= 1)
);

comment on table public.session_memories is
  'Memories scoped to one chat session (e.g. written by the memory-sync job); deleted with the session.';
comment on column public.session_memories.content_hash is
  'sha256 hex of the whitespace-normalised content; unique per session.';
comment on column public.session_memories.source_message_id is
  'Id of the message the memory came from, as delivered to the sync job; unique per user so a redelivered message is written once.';
comment on column public.session_memories.expires_at is 'Recall ignores the row after this instant; null = never.';

-- session_id and user_id are covered by the two unique indexes.
create index session_memories_embedding_idx on public.session_memories
  using hnsw (embedding extensions.vector_cosine_ops) with (m = 16, ef_construction = 200);
create index session_memories_content_tsv_idx on public.session_memories using gin (content_tsv);
create index session_memories_metadata_idx on public.session_memories using gin (metadata jsonb_path_ops);
create index session_memories_expires_at_idx on public.session_memories (expires_at)
  where expires_at is not null;

create trigger memories_set_updated_at
  before update on public.memories
  for each row execute function private.set_updated_at();
create trigger session_memories_set_updated_at
  before update on public.session_memories
  for each row execute function private.set_updated_at();

alter table public.memories enable row level security;
alter table public.session_memories enable row level security;

-- anon gets nothing. authenticated gets plain DML only (not TRUNCATE, which ignores RLS, nor
-- REFERENCES/TRIGGER/MAINTAIN); the policies below decide which rows.
revoke all on public.memories, public.session_memories from anon, authenticated;
grant select, insert, update, delete on public.memories, public.session_memories to authenticated;

create policy memories_select_owner on public.memories
  for select to authenticated
  using (user_id = (select auth.uid()));
create policy memories_insert_owner on public.memories
  for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy memories_update_owner on public.memories
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
create policy memories_delete_owner on public.memories
  for delete to authenticated
  using (user_id = (select auth.uid()));

create policy session_memories_select_owner on public.session_memories
  for select to authenticated
  using (user_id = (select auth.uid()));
create policy session_memories_insert_owner on public.session_memories
  for insert to authenticated
  with check (user_id = (select auth.uid()) and private.owns_chat_session(session_id));
create policy session_memories_update_owner on public.session_memories
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()) and private.owns_chat_session(session_id));
create policy session_memories_delete_owner on public.session_memories
  for delete to authenticated
  using (user_id = (select auth.uid()));

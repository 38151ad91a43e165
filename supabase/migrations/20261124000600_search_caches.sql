-- Search caches: per-user cached provider results keyed by the sha256 of the canonical query
-- JSON. Rows are private to their user (a cache hit never crosses tenants) and expire.

create table public.search_destinations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  query_hash text not null,
  query jsonb not null,
  results jsonb not null,
  source text,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint search_destinations_user_id_query_hash_key unique (user_id, query_hash),
  constraint search_destinations_query_hash_check check (query_hash ~ '^[0-9a-f]{64}$'),
  constraint search_destinations_source_check check (char_length(source) <= 200)
);

comment on table public.search_destinations is 'Per-user cache of destinations search results; ignore rows past expires_at.';
comment on column public.search_destinations.query_hash is 'sha256 hex of the canonical (key-sorted) query JSON.';
comment on column public.search_destinations.source is 'The provider that produced results.';

-- user_id is covered by the unique (user_id, query_hash) index.
create index search_destinations_expires_at_idx on public.search_destinations (expires_at);

create trigger search_destinations_set_updated_at
  before update on public.search_destinations
  for each row execute function private.set_updated_at();

alter table public.search_destinations enable row level security;

-- anon gets nothing. authenticated gets plain DML only (not TRUNCATE, which ignores RLS, nor
-- REFERENCES/TRIGGER/MAINTAIN); the policies below decide which rows.
revoke all on public.search_destinations from anon, authenticated;
grant select, insert, update, delete on public.search_destinations to authenticated;

create policy search_destinations_select_owner on public.search_destinations
  for select to authenticated
  using (user_id = (select auth.uid()));
create policy search_destinations_insert_owner on public.search_destinations
  for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy search_destinations_update_owner on public.search_destinations
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
create policy search_destinations_delete_owner on public.search_destinations
  for delete to authenticated
  using (user_id = (select auth.uid()));

create table public.search_flights (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  query_hash text not null,
  query jsonb not null,
  results jsonb not null,
  source text,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint search_flights_user_id_query_hash_key unique (user_id, query_hash),
  constraint search_flights_query_hash_check check (query_hash ~ '^[0-9a-f]{64}$'),
  constraint search_flights_source_check check (char_length(source) <= 200)
);

comment on table public.search_flights is 'Per-user cache of flights search results; ignore rows past expires_at.';
comment on column public.search_flights.query_hash is 'sha256 hex of the canonical (key-sorted) query JSON.';
comment on column public.search_flights.source is 'The provider that produced results.';

-- user_id is covered by the unique (user_id, query_hash) index.
create index search_flights_expires_at_idx on public.search_flights (expires_at);

create trigger search_flights_set_updated_at
  before update on public.search_flights
  for each row execute function private.set_updated_at();

alter table public.search_flights enable row level security;

-- anon gets nothing. authenticated gets plain DML only (not TRUNCATE, which ignores RLS, nor
-- REFERENCES/TRIGGER/MAINTAIN); the policies below decide which rows.
revoke all on public.search_flights from anon, authenticated;
grant select, insert, update, delete on public.search_flights to authenticated;

create policy search_flights_select_owner on public.search_flights
  for select to authenticated
  using (user_id = (select auth.uid()));
create policy search_flights_insert_owner on public.search_flights
  for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy search_flights_update_owner on public.search_flights
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
create policy search_flights_delete_owner on public.search_flights
  for delete to authenticated
  using (user_id = (select auth.uid()));

create table public.search_hotels (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  query_hash text not null,
  query jsonb not null,
  results jsonb not null,
  source text,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint search_hotels_user_id_query_hash_key unique (user_id, query_hash),
  constraint search_hotels_query_hash_check check (query_hash ~ '^[0-9a-f]{64}$'),
  constraint search_hotels_source_check check (char_length(source) <= 200)
);

comment on table public.search_hotels is 'Per-user cache of hotels search results; ignore rows past expires_at.';
comment on column public.search_hotels.query_hash is 'sha256 hex of the canonical (key-sorted) query JSON.';
comment on column public.search_hotels.source is 'The provider that produced results.';

-- user_id is covered by the unique (user_id, query_hash) index.
create index search_hotels_expires_at_idx on public.search_hotels (expires_at);

create trigger search_hotels_set_updated_at
  before update on public.search_hotels
  for each row execute function private.set_updated_at();

alter table public.search_hotels enable row level security;

-- anon gets nothing. authenticated gets plain DML only (not TRUNCATE, which ignores RLS, nor
-- REFERENCES/TRIGGER/MAINTAIN); the policies below decide which rows.
revoke all on public.search_hotels from anon, authenticated;
grant select, insert, update, delete on public.search_hotels to authenticated;

create policy search_hotels_select_owner on public.search_hotels
  for select to authenticated
  using (user_id = (select auth.uid()));
create policy search_hotels_insert_owner on public.search_hotels
  for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy search_hotels_update_owner on public.search_hotels
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
create policy search_hotels_delete_owner on public.search_hotels
  for delete to authenticated
  using (user_id = (select auth.uid()));

create table public.search_activities (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  query_hash text not null,
  query jsonb not null,
  results jsonb not null,
  source text,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint search_activities_user_id_query_hash_key unique (user_id, query_hash),
  constraint search_activities_query_hash_check check (query_hash ~ '^[0-9a-f]{64}$'),
  constraint search_activities_source_check check (char_length(source) <= 200)
);

comment on table public.search_activities is 'Per-user cache of activities search results; ignore rows past expires_at.';
comment on column public.search_activities.query_hash is 'sha256 hex of the canonical (key-sorted) query JSON.';
comment on column public.search_activities.source is 'The provider that produced results.';

-- user_id is covered by the unique (user_id, query_hash) index.
create index search_activities_expires_at_idx on public.search_activities (expires_at);

create trigger search_activities_set_updated_at
  before update on public.search_activities
  for each row execute function private.set_updated_at();

alter table public.search_activities enable row level security;

-- anon gets nothing. authenticated gets plain DML only (not TRUNCATE, which ignores RLS, nor
-- REFERENCES/TRIGGER/MAINTAIN); the policies below decide which rows.
revoke all on public.search_activities from anon, authenticated;
grant select, insert, update, delete on public.search_activities to authenticated;

create policy search_activities_select_owner on public.search_activities
  for select to authenticated
  using (user_id = (select auth.uid()));
create policy search_activities_insert_owner on public.search_activities
  for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy search_activities_update_owner on public.search_activities
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
create policy search_activities_delete_owner on public.search_activities
  for delete to authenticated
  using (user_id = (select auth.uid()));

-- Local stand-in for Supabase's `extensions` schema. pgvector is not installed here: the
-- migrations do `create extension if not exists vector with schema extensions` (PGlite loads the
-- pgvector wasm build; plain Debian Postgres has no pgvector). Never pushed to Supabase.

create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;

create extension if not exists pgcrypto with schema extensions;

-- Supabase's `postgres` role resolves `extensions` (vector operators, pgcrypto) unqualified.
-- Persist that for the migrating role (plain Postgres applies it at login) and set it for the
-- current session. PGlite ignores per-role/per-database settings when it reopens a data
-- directory, so an embedded runtime must `set search_path` itself after opening.
do $$
begin
  execute format('alter role %I set search_path = "$user", public, extensions', current_user);
end
$$;
set search_path = "$user", public, extensions;

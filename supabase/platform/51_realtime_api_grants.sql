-- Realtime's own migrations grant the API roles, anon included, SELECT, INSERT and UPDATE on
-- realtime.messages (and usage on the schema); each project's RLS policies decide the rows, so
-- anon without a policy reads 0 rows and an insert raises 42501. A file of its own so that
-- embedded databases opened before it existed get it too. Never pushed to Supabase.

grant usage on schema realtime to anon, authenticated, service_role;
grant select, insert, update on realtime.messages to anon, authenticated, service_role;
grant execute on function realtime.topic() to anon, authenticated, service_role;
grant execute on function realtime.send(jsonb, text, text, boolean) to anon, authenticated, service_role;
